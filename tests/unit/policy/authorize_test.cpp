// authorize_target, authorize_hop and reachable_targets: one denial test per rule kind.
#include <bastion/policy/authorization.hpp>

#include "policy_fixtures.hpp"

namespace bastion::policy {
namespace {

class Authorize : public ::testing::Test {
 protected:
  std::shared_ptr<const policy_set> p_;

  void SetUp() override {
    auto doc = test::base_policy(test::new_key());
    doc["users"]["carol"] = {{"groups", {"dev"}},
                             {"public_keys", doc["users"]["alice"]["public_keys"]}};
    doc["rules"][0]["source_networks"] = {"10.0.0.0/8", "2001:db8::/32"};
    doc["rules"][0]["modes"] = {"terminating"};
    doc["rules"].push_back(
        {{"name", "bob-db"}, {"users", {"bob"}}, {"targets", {"db1"}}, {"logins", {"postgres"}}});
    doc["rules"].push_back(
        {{"name", "dev-hop"}, {"groups", {"dev"}}, {"targets", {"*"}}, {"modes", {"hop"}}});
    p_ = test::must_load(doc);
    ASSERT_TRUE(p_);
  }

  access_decision ask(std::string user, std::string source, std::string target,
                      std::optional<std::string> login,
                      access_mode mode = access_mode::terminating) {
    return authorize_target(*p_, access_request{std::move(user), std::move(source),
                                                std::move(target), std::move(login), mode});
  }
};

TEST_F(Authorize, GroupMemberGetsTheDefaultLogin) {
  const auto d = ask("alice", "10.1.2.3", "web1", std::nullopt);
  ASSERT_TRUE(d.verdict.allowed) << d.verdict.reason;
  EXPECT_EQ(d.verdict.rule, "ops-web");
  EXPECT_EQ(d.verdict.reason, "alice may reach web1 as deploy from 10.1.2.3 (rule ops-web)");
  ASSERT_TRUE(d.granted);
  EXPECT_EQ(d.granted->login, "deploy");
  EXPECT_EQ(d.granted->destination.host, "10.0.0.5");
  EXPECT_EQ(d.granted->user, "alice");
  EXPECT_EQ(d.granted->mode, access_mode::terminating);
}

TEST_F(Authorize, NamedLoginFromTheList) {
  const auto d = ask("alice", "2001:db8::5", "web1", "root");
  ASSERT_TRUE(d.verdict.allowed) << d.verdict.reason;
  EXPECT_EQ(d.granted->login, "root");
}

TEST_F(Authorize, UserByNameMatches) {
  EXPECT_TRUE(ask("bob", "192.0.2.7", "db1", "postgres").verdict.allowed);
}

TEST_F(Authorize, DeniedUserNotInRule) {
  const auto d = ask("bob", "10.1.2.3", "web1", std::nullopt);
  EXPECT_FALSE(d.verdict.allowed);
  EXPECT_FALSE(d.granted);
  EXPECT_EQ(d.verdict.reason, "no rule lets bob reach web1");
  EXPECT_TRUE(d.verdict.rule.empty());
}

TEST_F(Authorize, DeniedGroupNotInRule) {
  EXPECT_EQ(ask("carol", "10.1.2.3", "web1", std::nullopt).verdict.reason,
            "no rule lets carol reach web1 in terminating mode");
}

TEST_F(Authorize, DeniedTarget) {
  EXPECT_EQ(ask("alice", "10.1.2.3", "db1", std::nullopt).verdict.reason,
            "no rule lets alice reach db1");
  EXPECT_EQ(ask("alice", "10.1.2.3", "web9", std::nullopt).verdict.reason,
            "target \"web9\" is not defined");
}

TEST_F(Authorize, DeniedLogin) {
  EXPECT_EQ(ask("alice", "10.1.2.3", "web1", "postgres").verdict.reason,
            "no rule lets alice reach web1 as postgres from 10.1.2.3");
}

TEST_F(Authorize, DeniedSourceIpv4) {
  EXPECT_EQ(ask("alice", "192.0.2.7", "web1", "root").verdict.reason,
            "no rule lets alice reach web1 from 192.0.2.7");
}

TEST_F(Authorize, DeniedSourceIpv6) {
  EXPECT_EQ(ask("alice", "2001:db9::1", "web1", std::nullopt).verdict.reason,
            "no rule lets alice reach web1 from 2001:db9::1");
}

TEST_F(Authorize, MappedIpv4SourceMatchesIpv4Networks) {
  EXPECT_TRUE(ask("alice", "::ffff:10.9.9.9", "web1", std::nullopt).verdict.allowed);
}

TEST_F(Authorize, DeniedMode) {
  EXPECT_EQ(ask("alice", "10.1.2.3", "web1", std::nullopt, access_mode::hop).verdict.reason,
            "no rule lets alice reach web1 in hop mode");
}

TEST_F(Authorize, DeniedUnknownUserAndBadSource) {
  EXPECT_EQ(ask("zed", "10.1.2.3", "web1", std::nullopt).verdict.reason, "unknown user \"zed\"");
  EXPECT_EQ(ask("alice", "not-an-ip", "web1", std::nullopt).verdict.reason,
            "source address \"not-an-ip\" is not an IP address");
}

TEST_F(Authorize, HopMatchesTargetHostAndPort) {
  auto d = authorize_hop(*p_, "carol", "198.51.100.1", "DB1.internal", 2222);
  ASSERT_TRUE(d.verdict.allowed) << d.verdict.reason;
  EXPECT_EQ(d.granted->destination.name, "db1");
  EXPECT_EQ(d.granted->mode, access_mode::hop);
  EXPECT_TRUE(d.granted->login.empty());
  EXPECT_EQ(d.verdict.rule, "dev-hop");
  // By target name too.
  EXPECT_TRUE(authorize_hop(*p_, "carol", "198.51.100.1", "web1", 22).verdict.allowed);
  EXPECT_TRUE(authorize_hop(*p_, "carol", "198.51.100.1", "10.0.0.5", 22).verdict.allowed);
}

TEST_F(Authorize, HopDenials) {
  EXPECT_EQ(authorize_hop(*p_, "carol", "198.51.100.1", "db1.internal", 22).verdict.reason,
            "carol may not hop to db1.internal:22: it is not a defined target");
  EXPECT_EQ(authorize_hop(*p_, "carol", "198.51.100.1", "evil.example", 22).verdict.reason,
            "carol may not hop to evil.example:22: it is not a defined target");
  EXPECT_EQ(authorize_hop(*p_, "alice", "10.1.2.3", "10.0.0.5", 22).verdict.reason,
            "no rule lets alice reach web1 in hop mode");
  EXPECT_FALSE(authorize_hop(*p_, "zed", "10.1.2.3", "10.0.0.5", 22).verdict.allowed);
}

TEST_F(Authorize, ReachableTargetsForTheMenu) {
  const auto alice = reachable_targets(*p_, "alice", "10.1.2.3", access_mode::terminating);
  ASSERT_EQ(alice.size(), 1u);
  EXPECT_EQ(alice[0].name, "web1");
  EXPECT_EQ(alice[0].logins, (std::vector<std::string>{"deploy", "root"}));
  EXPECT_TRUE(reachable_targets(*p_, "alice", "192.0.2.7", access_mode::terminating).empty());
  const auto carol = reachable_targets(*p_, "carol", "192.0.2.7", access_mode::hop);
  ASSERT_EQ(carol.size(), 2u);
  EXPECT_EQ(carol[0].name, "db1");
  EXPECT_EQ(carol[1].name, "web1");
  EXPECT_TRUE(carol[0].logins.empty());
  EXPECT_TRUE(reachable_targets(*p_, "nobody", "10.1.2.3", access_mode::terminating).empty());
}

TEST_F(Authorize, FirstMatchingRuleWins) {
  auto doc = test::base_policy(test::new_key());
  doc["rules"].push_back(
      {{"name", "second"}, {"users", {"alice"}}, {"targets", {"web1"}}, {"logins", {"admin"}}});
  const auto p = test::must_load(doc);
  ASSERT_TRUE(p);
  const auto d = authorize_target(
      *p, access_request{"alice", "10.0.0.1", "web1", std::nullopt, access_mode::terminating});
  EXPECT_EQ(d.verdict.rule, "ops-web");
  EXPECT_EQ(d.granted->login, "deploy");
  const auto admin = authorize_target(
      *p, access_request{"alice", "10.0.0.1", "web1", "admin", access_mode::terminating});
  EXPECT_EQ(admin.verdict.rule, "second");
}

TEST_F(Authorize, GrantOutlivesThePolicy) {
  auto d = ask("alice", "10.1.2.3", "web1", std::nullopt);
  p_.reset();
  ASSERT_TRUE(d.granted);
  EXPECT_EQ(d.granted->destination.name, "web1");
}

}  // namespace
}  // namespace bastion::policy
