// Loading a policy: every field reaches the model, and the documented defaults apply.
#include "policy_fixtures.hpp"

#include "support/temp_dir.hpp"

namespace bastion::policy {
namespace {

using test::public_line;

class LoadPolicy : public ::testing::Test {
 protected:
  sshlib::key alice_key_ = test::new_key();
  sshlib::key ca_ = test::new_key();
  sshlib::key host_key_ = test::new_key(sshlib::key_type::ecdsa_p256);

  nlohmann::json full() const {
    nlohmann::json doc = {
        {"$schema", "policy.schema.json"},
        {"users",
         {{"alice",
           {{"groups", {"ops", "dba"}},
            {"public_keys", {public_line(alice_key_) + " alice@laptop"}},
            {"password_hash",
             "$6$saltsalt$"
             "TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq."
             "H91p5hVO1"},
            {"totp",
             {{"secret_base32", "JBSWY3DPEHPK3PXP"},
              {"digits", 8},
              {"period_seconds", 60},
              {"algorithm", "sha256"}}},
            {"auth",
             nlohmann::json::parse(
                 R"([["publickey", "keyboard-interactive"], ["password", "keyboard-interactive"]])")}}},
          {"bob", {{"groups", nlohmann::json::array()}}}}},
        {"user_certificate_authorities",
         {{{"public_key", public_line(ca_) + " ca"}, {"principals", "username"}}}},
        {"targets",
         {{"web1",
           {{"host", "10.0.0.5"},
            {"port", 2022},
            {"host_keys", {public_line(host_key_)}},
            {"known_hosts", "/etc/bastion/known_hosts"},
            {"upstream_auth",
             {{"method", "key"}, {"key_file", "/etc/bastion/keys/web1_ed25519"}}}}},
          {"db1",
           {{"host", "db1.internal"},
            {"known_hosts", "/etc/bastion/known_hosts"},
            {"upstream_auth", {{"method", "agent"}}}}}}},
        {"rules",
         {{{"name", "ops-web"},
           {"users", {"bob"}},
           {"groups", {"ops"}},
           {"targets", {"web1"}},
           {"logins", {"deploy", "root"}},
           {"source_networks", {"10.0.0.0/8", "127.0.0.0/8", "::1/128"}},
           {"modes", {"terminating"}},
           {"allow",
            {{"shell", true},
             {"exec", true},
             {"pty", true},
             {"subsystems", {"sftp"}},
             {"local_forwards",
              {{{"host", "db1.internal"}, {"ports", {5432}}}, {{"host", "*"}, {"ports", "*"}}}},
             {"remote_forwards",
              {{{"ports", {8080, 8081}}}, {{"ports", "*"}, {"bind_addresses", {"*"}}}}},
             {"agent_forwarding", true},
             {"x11", false}}},
           {"limits",
            {{"max_sessions", 4}, {"idle_timeout_seconds", 900}, {"max_duration_seconds", 28800}}},
           {"record_input", false}},
          {{"name", "all-hop"}, {"groups", {"dba"}}, {"targets", {"*"}}, {"modes", {"hop"}}}}}};
    return doc;
  }
};

TEST_F(LoadPolicy, EveryFieldReachesTheModel) {
  const auto p = test::must_load(full());
  ASSERT_TRUE(p);
  const auto& alice = p->users.at("alice");
  EXPECT_EQ(alice.groups, (std::vector<std::string>{"ops", "dba"}));
  ASSERT_EQ(alice.public_keys.size(), 1u);
  EXPECT_TRUE(alice.public_keys[0].equals(alice_key_));
  EXPECT_TRUE(alice.password_hash.starts_with("$6$saltsalt$"));
  ASSERT_TRUE(alice.totp);
  EXPECT_EQ(alice.totp->secret.size(), 10u);
  EXPECT_EQ(alice.totp->digits, 8u);
  EXPECT_EQ(alice.totp->period_seconds, 60u);
  EXPECT_EQ(alice.totp->algorithm, totp_algorithm::sha256);
  ASSERT_EQ(alice.auth.size(), 2u);
  EXPECT_EQ(alice.auth[0],
            (std::vector<auth_method>{auth_method::publickey, auth_method::keyboard_interactive}));
  EXPECT_EQ(alice.auth[1],
            (std::vector<auth_method>{auth_method::password, auth_method::keyboard_interactive}));
  ASSERT_EQ(p->user_cas.size(), 1u);
  EXPECT_TRUE(p->user_cas[0].key.equals(ca_));

  const auto& web1 = p->targets.at("web1");
  EXPECT_EQ(web1.host, "10.0.0.5");
  EXPECT_EQ(web1.port, 2022);
  ASSERT_EQ(web1.host_keys.size(), 1u);
  EXPECT_TRUE(web1.host_keys[0].equals(host_key_));
  EXPECT_EQ(web1.known_hosts, "/etc/bastion/known_hosts");
  EXPECT_EQ(web1.upstream.method, upstream_method::key);
  EXPECT_EQ(web1.upstream.key_file, "/etc/bastion/keys/web1_ed25519");
  EXPECT_EQ(p->targets.at("db1").upstream.method, upstream_method::agent);

  ASSERT_EQ(p->rules.size(), 2u);
  const auto& r = p->rules[0];
  EXPECT_EQ(r.name, "ops-web");
  EXPECT_EQ(r.users, std::vector<std::string>{"bob"});
  EXPECT_EQ(r.groups, std::vector<std::string>{"ops"});
  EXPECT_EQ(r.targets, std::vector<std::string>{"web1"});
  EXPECT_EQ(r.logins, (std::vector<std::string>{"deploy", "root"}));
  ASSERT_EQ(r.source_networks.size(), 3u);
  EXPECT_EQ(r.source_networks[2].text, "::1/128");
  EXPECT_FALSE(r.hop);
  EXPECT_TRUE(r.terminating);
  EXPECT_TRUE(r.allow.shell && r.allow.exec && r.allow.pty && r.allow.agent_forwarding);
  EXPECT_FALSE(r.allow.x11);
  EXPECT_EQ(r.allow.subsystems, std::vector<std::string>{"sftp"});
  ASSERT_EQ(r.allow.local_forwards.size(), 2u);
  EXPECT_EQ(r.allow.local_forwards[0].host, "db1.internal");
  EXPECT_EQ(r.allow.local_forwards[0].ports.ports, std::vector<std::uint16_t>{5432});
  EXPECT_TRUE(r.allow.local_forwards[1].ports.any);
  ASSERT_EQ(r.allow.remote_forwards.size(), 2u);
  EXPECT_EQ(r.allow.remote_forwards[0].ports.ports, (std::vector<std::uint16_t>{8080, 8081}));
  EXPECT_EQ(r.allow.remote_forwards[0].bind_addresses,
            (std::vector<std::string>{"", "localhost", "127.0.0.1", "::1"}));
  EXPECT_EQ(r.allow.remote_forwards[1].bind_addresses, std::vector<std::string>{"*"});
  EXPECT_EQ(r.limits.max_sessions, 4u);
  EXPECT_EQ(r.limits.idle_timeout_seconds, 900u);
  EXPECT_EQ(r.limits.max_duration_seconds, 28800u);
  EXPECT_FALSE(r.record_input);
  EXPECT_TRUE(p->rules[1].record_input) << "input is recorded unless a rule says not to";
  EXPECT_TRUE(p->rules[1].hop);
  EXPECT_FALSE(p->rules[1].terminating);
  EXPECT_TRUE(p->rules[1].logins.empty());
}

TEST_F(LoadPolicy, DefaultsForOmittedFields) {
  const auto p = test::must_load(test::base_policy(alice_key_));
  ASSERT_TRUE(p);
  const auto& t = p->targets.at("web1");
  EXPECT_EQ(t.port, 22);
  EXPECT_EQ(t.upstream.method, upstream_method::agent);
  const auto& r = p->rules.at(0);
  EXPECT_TRUE(r.hop && r.terminating);
  EXPECT_TRUE(r.source_networks.empty());
  EXPECT_FALSE(r.allow.shell || r.allow.exec || r.allow.pty || r.allow.agent_forwarding ||
               r.allow.x11);
  EXPECT_TRUE(r.allow.subsystems.empty() && r.allow.local_forwards.empty() &&
              r.allow.remote_forwards.empty());
  EXPECT_EQ(r.limits.max_sessions, 10u);
  EXPECT_EQ(r.limits.idle_timeout_seconds, 1800u);
  EXPECT_EQ(r.limits.max_duration_seconds, 0u);
  // Each credential alone is a chain when "auth" is omitted.
  EXPECT_EQ(p->users.at("alice").auth,
            (std::vector<std::vector<auth_method>>{{auth_method::publickey}}));
  EXPECT_EQ(p->users.at("bob").auth,
            (std::vector<std::vector<auth_method>>{{auth_method::password}}));
}

TEST_F(LoadPolicy, CertificateAuthoritiesGiveEveryUserPublickey) {
  auto doc = full();
  doc["users"]["carol"] = nlohmann::json::object();
  const auto p = test::must_load(doc);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->users.at("carol").auth,
            (std::vector<std::vector<auth_method>>{{auth_method::publickey}}));
}

TEST_F(LoadPolicy, EmptyPolicyLoadsAndDeniesEverything) {
  const auto p = test::must_load(nlohmann::json::object());
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->users.empty() && p->rules.empty());
}

TEST_F(LoadPolicy, FromTextAndFromFile) {
  const auto text = full().dump(2);
  EXPECT_TRUE(load_policy(text));
  sshlib::test::temp_dir dir;
  sshlib::test::write_file(dir / "policy.json", text);
  const auto r = load_policy_file(dir / "policy.json");
  EXPECT_TRUE(r) << format_problems(r.problems);
}

TEST_F(LoadPolicy, InlineDocumentsCarryTheirBasePointer) {
  auto doc = full();
  doc["rules"][0]["allow"]["shel"] = true;
  const auto r = load_policy_document(doc, "/etc/bastion/bastion.json", "/policy");
  ASSERT_FALSE(r);
  EXPECT_TRUE(
      test::has_problem(r.problems, "/policy/rules/0/allow/shel", "did you mean \"shell\""));
  EXPECT_EQ(r.problems[0].source, "/etc/bastion/bastion.json");
}

}  // namespace
}  // namespace bastion::policy
