// Terminating mode end to end: `ssh alice+web1@bastion` logs alice in at the bastion, which
// logs in to a real sshd as the rule's login with the key the policy names, and relays the
// session: exec with stdout, stderr, stdin byte-exact and the exit status; a pty shell;
// sftp as a subsystem. A host key that is not the pinned one, a key the target refuses and
// a request the rule does not allow each reach the user as one line.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"
#include "support/unix_socket.hpp"

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

// A key the bastion logs in upstream with, authorized on the target when `authorize`.
std::filesystem::path upstream_key(bastion_fixture& f, std::size_t target, bool authorize) {
  const auto path = f.dir() / (authorize ? "upstream_ok" : "upstream_refused");
  auto r = sshlib::test::run_process(
      {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (authorize) f.sshd(target).server().authorize(read_public_line(path));
  return path;
}

nlohmann::json terminating_policy(bastion_fixture& f, nlohmann::json target,
                                  const nlohmann::json& allow) {
  return {
      {"users", {{"alice", {{"public_keys", {read_public_line(f.user_key())}}}}}},
      {"targets", {{"web1", std::move(target)}}},
      {"rules",
       {{{"name", "alice-web"},
         {"users", {"alice"}},
         {"targets", {"web1"}},
         {"logins", {sshlib::test::sshd_server::user()}},
         {"modes", {"terminating"}},
         {"allow", allow}}}},
  };
}

const nlohmann::json allow_all = {
    {"shell", true}, {"exec", true}, {"pty", true}, {"subsystems", {"sftp"}}};

struct BastionTerminating : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;
  nlohmann::json target;

  void SetUp() override {
    if (skip_without_sshd()) GTEST_SKIP() << sshlib::test::listening_sshd::unavailable_reason();
    t = f.add_sshd_target();
    target = f.target_entry(t);
    target["upstream_auth"] = {{"method", "key"}, {"key_file", upstream_key(f, t, true).string()}};
  }
  child_result alice(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), {"-l", "alice+web1", "bastion"});
    return f.ssh(args, input);
  }
};

TEST_F(BastionTerminating, ExecRelaysStdinStdoutStderrAndTheExitStatus) {
  f.start(terminating_policy(f, target, allow_all));
  auto r = alice({"echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "out\n");
  EXPECT_NE(r.err.find("err\n"), std::string::npos) << r.err;

  const auto payload = random_bytes(4 * 1024 * 1024, 11);
  auto h = alice({"sha256sum"}, payload);
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_EQ(h.out.substr(0, 64), sha256_hex(payload));

  const auto events = f.events();
  auto has = [&](const std::string& name, const std::function<bool(const nlohmann::json&)>& m) {
    return std::any_of(events.begin(), events.end(),
                       [&](const auto& e) { return e["event"] == name && m(e); });
  };
  EXPECT_TRUE(has("upstream_connect", [](const auto& e) { return e["target"] == "web1"; }));
  EXPECT_TRUE(has("session", [](const auto& e) {
    return e["request"] == "exec" && e["command"] == "sha256sum";
  }));
  EXPECT_TRUE(has("channel_close", [](const auto& e) {
    return e["mode"] == "terminating" && e["exit_status"] == 3;
  }));
}

TEST_F(BastionTerminating, APtyShellRunsOnTheTarget) {
  f.start(terminating_policy(f, target, allow_all));
  auto r = alice({"-tt"}, "echo $((6*7))\nexit 0\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("42"), std::string::npos) << r.out;
}

TEST_F(BastionTerminating, SftpRunsAsASubsystemThroughTheBastion) {
  f.start(terminating_policy(f, target, allow_all));
  const auto local = f.dir() / "up.bin";
  const auto back = f.dir() / "down.bin";
  const auto remote = f.dir() / "remote.bin";
  const auto payload = random_bytes(3 * 1024 * 1024 + 17, 5);
  std::ofstream(local, std::ios::binary) << payload;
  const auto batch = "put " + local.string() + " " + remote.string() + "\nget " + remote.string() +
                     " " + back.string() + "\n";
  sshlib::test::child_process p(
      {"sftp", "-F", (f.dir() / "ssh_config").string(), "-b", "-", "alice+web1@bastion"}, batch);
  auto r = p.wait(std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(back), payload);
}

TEST_F(BastionTerminating, ARequestTheRuleDoesNotAllowIsRefusedWithItsReason) {
  f.start(terminating_policy(f, target, {{"shell", true}}));
  auto r = alice({"echo should-not-run"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("should-not-run"), std::string::npos);
  EXPECT_NE(r.err.find("bastion: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exec"), std::string::npos) << r.err;
}

TEST_F(BastionTerminating, AHostKeyThatIsNotThePinnedOneIsRefused) {
  target["host_keys"] = {read_public_line(f.user_key())};  // some other key
  f.start(terminating_policy(f, target, allow_all));
  auto r = alice({"true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not the one the policy pins for web1"), std::string::npos) << r.err;
}

TEST_F(BastionTerminating, AKeyTheTargetRefusesIsReportedAsAFailedUpstreamLogin) {
  target["upstream_auth"] = {{"method", "key"}, {"key_file", upstream_key(f, t, false).string()}};
  f.start(terminating_policy(f, target, allow_all));
  auto r = alice({"true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("could not log in to web1"), std::string::npos) << r.err;
}

TEST_F(BastionTerminating, TheUsersForwardedAgentLogsInUpstreamSoNoSecretLivesOnTheBastion) {
  target["upstream_auth"] = {{"method", "agent"}};
  f.start(terminating_policy(f, target, allow_all));
  // alice's own agent holds her key, which the target authorizes.
  const auto sock = f.dir() / "agent.sock";
  sshlib::test::background_process agent({"ssh-agent", "-D", "-a", sock.string()}, {},
                                         f.dir() / "agent.log");
  ASSERT_TRUE(sshlib::test::wait_for_unix_socket(sock));
  const sshlib::test::environment env{{"SSH_AUTH_SOCK", sock.string()}};
  auto add = sshlib::test::run_process({"ssh-add", f.user_key().string()}, {}, env);
  ASSERT_EQ(add.exit_code, 0) << add.err;

  auto r = f.ssh({"-A", "-l", "alice+web1", "bastion", "echo", "via-your-agent"}, {}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "via-your-agent\n");

  // Without -A the bastion has nothing to log in with, and says so.
  auto no_agent = f.ssh({"-l", "alice+web1", "bastion", "echo", "nope"}, {}, env);
  EXPECT_EQ(no_agent.exit_code, 1);
  EXPECT_NE(no_agent.err.find("connect with ssh -A"), std::string::npos) << no_agent.err;
}

}  // namespace
}  // namespace bastion::test
