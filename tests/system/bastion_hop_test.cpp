// Hop mode end to end: OpenSSH's ssh -J through the bastion to a real sshd, with the policy
// deciding: an allowed hop carries a session byte-exact and is logged; a target the rule
// does not name, a host that is no target, and a target that is down each reach the user
// as one line; a login without a target gets the menu; --check-config points at mistakes.
#include "system/bastion_fixture.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>

namespace bastion::test {
namespace {

bool skip_without_sshd() {
  const auto why = sshlib::test::listening_sshd::unavailable_reason();
  if (why.empty()) return false;
  std::cout << "skipped: " << why << "\n";
  return true;
}

nlohmann::json alice_policy(bastion_fixture& f, const nlohmann::json& targets,
                            const nlohmann::json& rule_targets) {
  return {
      {"users", {{"alice", {{"public_keys", {read_public_line(f.user_key())}}}}}},
      {"targets", targets},
      {"rules",
       {{{"name", "alice-hops"},
         {"users", {"alice"}},
         {"targets", rule_targets},
         {"modes", {"hop"}}}}},
  };
}

bool has_event(const std::vector<nlohmann::json>& events, const std::string& name,
               const std::function<bool(const nlohmann::json&)>& match) {
  return std::any_of(events.begin(), events.end(), [&](const nlohmann::json& e) {
    return e.value("event", "") == name && match(e);
  });
}

TEST(BastionHop, SshJumpReachesAnAllowedTargetByteExactAndIsLogged) {
  if (skip_without_sshd()) return;
  bastion_fixture f;
  const auto t = f.add_sshd_target();
  f.start(alice_policy(f, {{"web1", f.target_entry(t)}}, {"web1"}));

  const auto payload = random_bytes(4 * 1024 * 1024, 7);
  auto r = f.ssh({"target0", "sha256sum"}, payload);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 64), sha256_hex(payload));

  const auto events = f.events();
  EXPECT_TRUE(has_event(events, "auth", [](const auto& e) {
    return e["result"] == "success" && e["user"] == "alice" && e["method"] == "publickey" &&
           e["key"].template get<std::string>().rfind("SHA256:", 0) == 0;
  }));
  EXPECT_TRUE(has_event(events, "channel_open",
                        [](const auto& e) { return e["target"] == "web1" && e["mode"] == "hop"; }));
  EXPECT_TRUE(has_event(events, "channel_close", [&](const auto& e) {
    return e["target"] == "web1" && e["bytes_up"].template get<std::uint64_t>() > payload.size();
  }));
}

TEST(BastionHop, AHopTheRuleDoesNotAllowIsRefusedWithItsReason) {
  if (skip_without_sshd()) return;
  bastion_fixture f;
  const auto allowed = f.add_sshd_target();
  const auto other = f.add_sshd_target();
  f.start(alice_policy(f, {{"web1", f.target_entry(allowed)}, {"db1", f.target_entry(other)}},
                       {"web1"}));

  auto r = f.ssh({"target1", "true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("administratively prohibited"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("db1"), std::string::npos) << "the reason names the target: " << r.err;

  // A host that is no target at all: refused, and the target is still fine for others.
  auto stray = f.ssh({"-o", "ProxyJump=bastion", "-p", "1", "127.0.0.2", "true"});
  EXPECT_NE(stray.exit_code, 0);
  EXPECT_NE(stray.err.find("administratively prohibited"), std::string::npos) << stray.err;
  auto ok = f.ssh({"target0", "echo", "still-here"});
  EXPECT_EQ(ok.out, "still-here\n") << ok.err;

  EXPECT_TRUE(has_event(f.events(), "channel_denied", [](const auto& e) {
    return e["user"] == "alice" && e["type"] == "direct-tcpip" &&
           !e["reason"].template get<std::string>().empty();
  }));
}

TEST(BastionHop, ATargetThatIsDownReachesTheUserAsOneLine) {
  if (skip_without_sshd()) return;
  bastion_fixture f;
  const auto t = f.add_sshd_target();
  auto down = f.target_entry(t);
  down["port"] = sshlib::test::free_loopback_port();  // nothing listens there
  f.start(alice_policy(f, {{"down1", down}}, {"down1"}));
  auto r = f.ssh({"-o", "ProxyJump=bastion", "-p", std::to_string(down["port"].get<int>()),
                  "127.0.0.1", "true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot reach down1"), std::string::npos) << r.err;
  EXPECT_TRUE(has_event(f.events(), "upstream_failed",
                        [](const auto& e) { return e["target"] == "down1"; }));
}

TEST(BastionHop, ALoginWithoutATargetGetsTheMenuOfReachableTargets) {
  if (skip_without_sshd()) return;
  bastion_fixture f;
  const auto t = f.add_sshd_target();
  f.start(alice_policy(f, {{"web1", f.target_entry(t)}, {"web2", f.target_entry(t)}}, {"web1"}));
  auto r = f.ssh({"bastion"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hello alice"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("web1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("web2"), std::string::npos) << "web2 is not open to alice: " << r.out;
}

TEST(BastionHop, AnUnknownUserOrKeyIsRefusedAndLogged) {
  if (skip_without_sshd()) return;
  bastion_fixture f;
  const auto t = f.add_sshd_target();
  f.start(alice_policy(f, {{"web1", f.target_entry(t)}}, {"web1"}));
  auto r = f.ssh({"-l", "mallory", "bastion"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(has_event(f.events(), "auth", [](const auto& e) {
    return e["user"] == "mallory" && e["result"] == "failure";
  }));
}

TEST(BastionCheckConfig, AValidConfigurationIsSummarisedAndMistakesArePointedAt) {
  bastion_fixture f;
  nlohmann::json policy = {
      {"users", {{"alice", {{"public_keys", {read_public_line(f.user_key())}}}}}},
      {"targets",
       {{"web1",
         {{"host", "127.0.0.1"}, {"port", 22}, {"host_keys", {read_public_line(f.user_key())}}}}}},
      {"rules",
       {{{"name", "r"}, {"users", {"alice"}}, {"targets", {"web1"}}, {"logins", {"alice"}}}}},
  };
  nlohmann::json config = {{"listen", {"127.0.0.1:2222"}},
                           {"host_keys", {{{"path", "/nonexistent"}, {"generate", "ed25519"}}}},
                           {"policy", policy}};
  const auto path = f.dir() / "good.json";
  std::ofstream(path) << config.dump();
  sshlib::test::child_process ok({bastion_path, "--check-config", path.string()});
  auto r = ok.wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 user(s), 1 target(s), 1 rule(s)"), std::string::npos) << r.out;

  config["listen"] = {"127.0.0.1:70000"};
  config["policy"]["rules"][0]["targets"] = {"web9"};
  config["limits"] = {{"max_conections", 5}};
  const auto bad = f.dir() / "bad.json";
  std::ofstream(bad) << config.dump();
  sshlib::test::child_process check({bastion_path, "--check-config", bad.string()});
  auto b = check.wait(std::chrono::seconds(30));
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find(bad.string() + ":/listen/0: port \"70000\""), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("/limits/max_conections: unknown key \"max_conections\" (did you mean "
                       "\"max_connections\"?)"),
            std::string::npos)
      << b.err;
  EXPECT_NE(b.err.find("/policy/rules/0/targets/0"), std::string::npos) << b.err;

  // This stop's sections: recording, log.stderr, a rule's record_input and allow.env.
  config = {{"listen", {"127.0.0.1:2222"}},
            {"host_keys", {{{"path", "/nonexistent"}, {"generate", "ed25519"}}}},
            {"log", {{"stderr", "yes"}}},
            {"recording", {{"directory", ""}, {"on_error", "maybe"}, {"stream_limit_bytes", -1}}},
            {"policy", policy}};
  config["policy"]["rules"][0]["record_input"] = 1;
  config["policy"]["rules"][0]["allow"] = {{"env", {"LC_*", "*X", "A=B"}}};
  const auto bad2 = f.dir() / "bad2.json";
  std::ofstream(bad2) << config.dump();
  sshlib::test::child_process check2({bastion_path, "--check-config", bad2.string()});
  auto b2 = check2.wait(std::chrono::seconds(30));
  EXPECT_EQ(b2.exit_code, 1);
  for (const char* pointer :
       {":/log/stderr:", ":/recording/directory:", ":/recording/on_error: \"maybe\" is not",
        ":/recording/stream_limit_bytes:", ":/policy/rules/0/record_input:",
        ":/policy/rules/0/allow/env/1: \"*X\" is not", ":/policy/rules/0/allow/env/2:"}) {
    EXPECT_NE(b2.err.find(pointer), std::string::npos) << pointer << "\n" << b2.err;
  }
  EXPECT_EQ(b2.err.find("/allow/env/0"), std::string::npos) << b2.err;
}

}  // namespace
}  // namespace bastion::test
