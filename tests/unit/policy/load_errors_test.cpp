// Every kind of policy problem, each with its JSON pointer, and all reported at once.
#include "policy_fixtures.hpp"

#include "support/temp_dir.hpp"

namespace bastion::policy {
namespace {

using test::has_problem;
using test::problems_of;

class PolicyErrors : public ::testing::Test {
 protected:
  sshlib::key key_ = test::new_key();
  nlohmann::json doc_ = test::base_policy(key_);
};

TEST_F(PolicyErrors, NotJsonGivesLineAndColumn) {
  const auto r = load_policy("{\n  \"users\": {,}\n}", "p.json");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].source, "p.json");
  EXPECT_NE(r.problems[0].message.find("not valid JSON: parse error at line 2, column 13"),
            std::string::npos)
      << r.problems[0].message;
}

TEST_F(PolicyErrors, DuplicateKeysAreErrors) {
  const auto r = load_policy(
      R"({"rules": [{"name": "a"}, {"name": "b", "allow": {"shell": false, "shell": true}}],
                                 "rules": []})");
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_problem(r.problems, "/rules/1/allow/shell",
                          "duplicate key \"shell\" (JSON keeps only the last one)"));
  EXPECT_TRUE(has_problem(r.problems, "/rules", "duplicate key \"rules\""));
  EXPECT_EQ(r.problems.size(), 2u) << format_problems(r.problems);
}

TEST_F(PolicyErrors, TopLevelMustBeAnObject) {
  EXPECT_TRUE(has_problem(problems_of(nlohmann::json::array()), "",
                          "the policy must be an object, not an array"));
}

TEST_F(PolicyErrors, UnknownKeysEverywhere) {
  doc_["userz"] = nlohmann::json::object();
  doc_["users"]["alice"]["group"] = nlohmann::json::array();
  doc_["targets"]["web1"]["prot"] = 22;
  doc_["rules"][0]["allow"] = {{"shel", true}};
  doc_["rules"][0]["limits"] = {{"max_session", 1}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/userz", "unknown key \"userz\" (did you mean \"users\"?)"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/group", "did you mean \"groups\"?"));
  EXPECT_TRUE(has_problem(ps, "/targets/web1/prot", "did you mean \"port\"?"));
  EXPECT_TRUE(
      has_problem(ps, "/rules/0/allow/shel", "unknown key \"shel\" (did you mean \"shell\"?)"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/limits/max_session", "did you mean \"max_sessions\"?"));
  EXPECT_EQ(ps.size(), 5u) << format_problems(ps);
}

TEST_F(PolicyErrors, EnvPatternsAreNamesOrPrefixes) {
  doc_["rules"][0]["allow"] = {{"env", {"LANG", "*_X", "A=B", "", "LC_*"}}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/env/1", "\"*_X\" is not a variable name"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/env/2", "\"A=B\" is not a variable name"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/env/3", "must not be empty"));
  EXPECT_EQ(ps.size(), 3u) << format_problems(ps);
}

TEST_F(PolicyErrors, PortOutOfRange) {
  doc_["targets"]["web1"]["port"] = 0;
  doc_["rules"][0]["allow"] = {{"local_forwards", {{{"host", "db"}, {"ports", {22, 70000}}}}}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/targets/web1/port", "port 0 is out of range 1-65535"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/local_forwards/0/ports/1",
                          "port 70000 is out of range 1-65535"));
}

TEST_F(PolicyErrors, PortsMustBeAListOrStar) {
  doc_["rules"][0]["allow"] = {
      {"remote_forwards",
       {{{"ports", "any"}}, {{"ports", nlohmann::json::array()}}, {{"bind_addresses", {"x"}}}}}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/remote_forwards/0/ports",
                          "array of port numbers or \"*\", not a string"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/allow/remote_forwards/1/ports", "must not be empty"));
  EXPECT_TRUE(
      has_problem(ps, "/rules/0/allow/remote_forwards/2", "missing required key \"ports\""));
}

TEST_F(PolicyErrors, UndefinedTargetUserAndGroup) {
  doc_["rules"][0]["targets"] = {"web1", "web9"};
  doc_["rules"][0]["users"] = {"mallory"};
  doc_["rules"][0]["groups"] = {"ops", "opps"};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/rules/0/targets/1",
                          "rule \"ops-web\" names target \"web9\", which is not defined"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/users/0",
                          "rule \"ops-web\" names user \"mallory\", which is not defined"));
  EXPECT_TRUE(
      has_problem(ps, "/rules/0/groups/1", "names group \"opps\", which no user belongs to"));
  EXPECT_EQ(ps.size(), 3u) << format_problems(ps);
}

TEST_F(PolicyErrors, RefusedPasswordHashes) {
  const std::pair<const char*, const char*> cases[] = {
      {"$1$saltsalt$abcdefghijklmnopqrstuv",
       "password_hash uses MD5-crypt ($1$), which is refused; use yescrypt, sha512-crypt or "
       "bcrypt"},
      {"$5$saltsalt$abc", "SHA256-crypt ($5$), which is refused"},
      {"$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", "bcrypt's old $2a$ variant"},
      {"abJnggxhB/yWI", "traditional DES-crypt"},
      {"!", "locked-account marker"},
      {"$6$saltsalt$", "is not a complete crypt(3) hash"},
      {"$y$j9T$abc", "is not a complete crypt(3) hash"},
      {"plaintext-password", "is not a crypt(3) hash of a known kind"},
  };
  for (const auto& [hash, message] : cases) {
    doc_["users"]["bob"]["password_hash"] = hash;
    EXPECT_TRUE(has_problem(problems_of(doc_), "/users/bob/password_hash", message)) << hash;
  }
}

TEST_F(PolicyErrors, MalformedKeysCarrySshlibsMessage) {
  doc_["users"]["alice"]["public_keys"] = {"ssh-ed25519 AAAAnotbase64!", "hello"};
  doc_["targets"]["web1"]["host_keys"] = {42};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/alice/public_keys/0", "malformed public key: "));
  EXPECT_TRUE(has_problem(ps, "/users/alice/public_keys/1", "malformed public key: "));
  EXPECT_TRUE(has_problem(ps, "/targets/web1/host_keys/0",
                          "a public key must be a string, not an integer"));
}

TEST_F(PolicyErrors, PrivateKeysAndCertificatesAreNotPublicKeys) {
  const auto priv = key_.private_openssh();
  ASSERT_TRUE(priv);
  const auto cert = test::make_user_cert(key_, test::new_key(), {});
  doc_["users"]["alice"]["public_keys"] = {std::string(priv->view()), cert.public_ssh()};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/alice/public_keys/0", "this is a private key"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/public_keys/1", "this is a certificate"));
}

TEST_F(PolicyErrors, DuplicateRuleNames) {
  doc_["rules"].push_back(doc_["rules"][0]);
  EXPECT_TRUE(has_problem(problems_of(doc_), "/rules/1/name",
                          "rule name \"ops-web\" is used by an earlier rule"));
}

TEST_F(PolicyErrors, CidrSyntax) {
  doc_["rules"][0]["source_networks"] = {"10.0.0.0/8", "10.0.0.0/33", "10.0.0.1/8", "fe80::/200",
                                         "nowhere"};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/rules/0/source_networks/1", "invalid prefix length"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/source_networks/2", "host bits set"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/source_networks/3", "0-128 for IPv6"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/source_networks/4", "is not a network"));
}

TEST_F(PolicyErrors, RuleShape) {
  doc_["rules"] = {
      {{"targets", {"web1"}}, {"logins", nlohmann::json::array()}, {"modes", {"hop", "tunnel"}}},
      5};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/rules/0", "missing required key \"name\""));
  EXPECT_TRUE(has_problem(ps, "/rules/0", "must name at least one user or group"));
  EXPECT_TRUE(has_problem(ps, "/rules/0/logins", "logins must not be empty"));
  EXPECT_TRUE(
      has_problem(ps, "/rules/0/modes/1", "mode \"tunnel\" is not one of hop, terminating"));
  EXPECT_TRUE(has_problem(ps, "/rules/1", "a rule must be an object, not an integer"));
}

TEST_F(PolicyErrors, TerminatingRulesNeedLogins) {
  doc_["rules"][0].erase("logins");
  EXPECT_TRUE(has_problem(problems_of(doc_), "/rules/0", "missing required key \"logins\""));
  doc_["rules"][0]["modes"] = {"hop"};
  EXPECT_TRUE(test::must_load(doc_));
}

TEST_F(PolicyErrors, TargetShape) {
  doc_["targets"]["web1"].erase("host_keys");
  doc_["targets"]["bad name"] = {
      {"host", "x y"}, {"known_hosts", "relative/path"}, {"upstream_auth", {{"method", "key"}}}};
  doc_["targets"]["t2"] = {{"known_hosts", "/k"},
                           {"upstream_auth", {{"method", "agent"}, {"key_file", "/k"}}}};
  doc_["targets"]["t3"] = {{"host", "h"},
                           {"host_keys", nlohmann::json::array()},
                           {"upstream_auth", {{"method", "password"}}}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/targets/web1", "target \"web1\" needs host_keys or known_hosts"));
  EXPECT_TRUE(
      has_problem(ps, "/targets/bad name", "target name \"bad name\" must be 1-64 characters"));
  EXPECT_TRUE(has_problem(ps, "/targets/bad name/host", "is not a host name or IP address"));
  EXPECT_TRUE(has_problem(ps, "/targets/bad name/known_hosts", "must be an absolute path"));
  EXPECT_TRUE(
      has_problem(ps, "/targets/bad name/upstream_auth", "missing required key \"key_file\""));
  EXPECT_TRUE(has_problem(ps, "/targets/t2", "missing required key \"host\""));
  EXPECT_TRUE(
      has_problem(ps, "/targets/t2/upstream_auth/key_file", "only used with method \"key\""));
  EXPECT_TRUE(has_problem(ps, "/targets/t3/host_keys", "must not be empty"));
  EXPECT_TRUE(
      has_problem(ps, "/targets/t3/upstream_auth/method", "\"password\" is not one of key, agent"));
}

TEST_F(PolicyErrors, TotpSettings) {
  doc_["users"]["alice"]["totp"] = {
      {"secret_base32", "not base32!"}, {"digits", 5}, {"period_seconds", 0}, {"algorithm", "md5"}};
  doc_["users"]["bob"]["totp"] = {{"secret_base32", "JBSWY3DP"}};
  doc_["users"]["bob"]["auth"] = nlohmann::json::parse(R"([["password", "keyboard-interactive"]])");
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/alice/totp/secret_base32", "is not base32"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/totp/digits", "digits 5 is out of range 6-8"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/totp/period_seconds", "out of range 10-300"));
  EXPECT_TRUE(
      has_problem(ps, "/users/alice/totp/algorithm", "\"md5\" is not one of sha1, sha256, sha512"));
  EXPECT_TRUE(
      has_problem(ps, "/users/bob/totp/secret_base32", "the TOTP secret has 40 bits; at least 80"));
}

TEST_F(PolicyErrors, AuthChainsNeedTheirCredentials) {
  doc_["users"]["alice"]["auth"] = {{"publickey", "keyboard-interactive"},
                                    {"password"},
                                    {"publickey", "publickey"},
                                    {"smartcard"},
                                    nlohmann::json::array()};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/alice/auth/0",
                          "chain uses \"keyboard-interactive\" but user \"alice\" has no totp"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/auth/1", "has no password_hash"));
  EXPECT_TRUE(
      has_problem(ps, "/users/alice/auth/2/1", "method \"publickey\" appears twice in this chain"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/auth/3/0",
                          "\"smartcard\" is not one of publickey, password, keyboard-interactive"));
  EXPECT_TRUE(has_problem(ps, "/users/alice/auth/4", "must name at least one method"));
}

TEST_F(PolicyErrors, UsersNeedAWayToLogIn) {
  doc_["users"]["carol"] = {{"totp", {{"secret_base32", "JBSWY3DPEHPK3PXP"}}}};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/carol", "user \"carol\" has no way to log in"));
  EXPECT_TRUE(has_problem(ps, "/users/carol/totp", "no auth chain uses keyboard-interactive"));
}

TEST_F(PolicyErrors, NamesAreChecked) {
  doc_["users"]["al ice"] = {{"public_keys", {test::public_line(key_)}}, {"groups", {"o/ps"}}};
  doc_["rules"][0]["logins"] = {"root;"};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/users/al ice", "user name \"al ice\" must be"));
  EXPECT_TRUE(has_problem(ps, "/users/al ice/groups/0", "group name \"o/ps\""));
  EXPECT_TRUE(has_problem(ps, "/rules/0/logins/0", "login \"root;\""));
}

TEST_F(PolicyErrors, CertificateAuthorities) {
  doc_["user_certificate_authorities"] = {{{"principals", "any"}}, "x"};
  const auto ps = problems_of(doc_);
  EXPECT_TRUE(has_problem(ps, "/user_certificate_authorities/0/principals",
                          "the only mode is \"username\""));
  EXPECT_TRUE(
      has_problem(ps, "/user_certificate_authorities/0", "missing required key \"public_key\""));
  EXPECT_TRUE(
      has_problem(ps, "/user_certificate_authorities/1", "must be an object, not a string"));
}

TEST_F(PolicyErrors, WrongTypesForSections) {
  const auto ps = problems_of({{"users", {1}},
                               {"targets", "web1"},
                               {"rules", {{"name", "x"}}},
                               {"user_certificate_authorities", 3}});
  EXPECT_TRUE(
      has_problem(ps, "/users", "users must be an object of user name to user, not an array"));
  EXPECT_TRUE(has_problem(ps, "/targets", "targets must be an object"));
  EXPECT_TRUE(has_problem(ps, "/rules", "rules must be an array, not an object"));
  EXPECT_TRUE(has_problem(ps, "/user_certificate_authorities", "must be an array, not an integer"));
}

TEST_F(PolicyErrors, FileProblems) {
  sshlib::test::temp_dir dir;
  auto r = load_policy_file(dir / "missing.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.problems.at(0).source, (dir / "missing.json").string());
  EXPECT_NE(r.problems[0].message.find("cannot read the policy file"), std::string::npos);
  r = load_policy_file(dir.path());
  EXPECT_NE(r.problems.at(0).message.find("not a regular file"), std::string::npos);
  sshlib::test::write_file(dir / "big.json", std::string(max_policy_size + 1, ' '));
  r = load_policy_file(dir / "big.json");
  EXPECT_NE(r.problems.at(0).message.find("the limit is 16777216"), std::string::npos)
      << r.problems[0].message;
  sshlib::test::write_file(dir / "bad.json", "{\"users\": }");
  r = load_policy_file(dir / "bad.json");
  EXPECT_NE(r.problems.at(0).message.find("line 1, column 11"), std::string::npos)
      << r.problems[0].message;
}

}  // namespace
}  // namespace bastion::policy
