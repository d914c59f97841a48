// Terminating mode's forwards end to end, with OpenSSH's ssh as the user and a real sshd as
// the target: -W/-L to a destination the rule allows (here the target's own sshd, whose
// banner proves the path) and one it does not; -R with a listener at the target whose
// connections come back through the bastion to the user's side; the user's agent forwarded
// on to the target (ssh-add -l there lists alice's key), and refused when the rule does not
// allow it. Each denial reaches the user with its reason.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"
#include "support/unix_socket.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

namespace bastion::test {
namespace {

struct BastionTerminatingForwards : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;
  nlohmann::json target;
  nlohmann::json allow = {{"shell", true}, {"exec", true}};

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty()) {
      std::cout << "skipped: " << why << "\n";
      GTEST_SKIP() << why;
    }
    t = f.add_sshd_target();
    target = f.key_login_target(t);
  }
  void start() {
    f.start(f.alice_web1_policy(target, {{"modes", {"terminating"}}, {"allow", allow}}));
  }
  child_result alice(std::vector<std::string> args, const std::string& input = {},
                     const sshlib::test::environment& env = {}) {
    args.insert(args.begin(), {"-l", "alice+web1", "bastion"});
    return f.ssh(args, input, env);
  }
  bool logged(const std::string& event, const std::string& key, const std::string& value) {
    const auto events = f.events();
    return std::any_of(events.begin(), events.end(), [&](const nlohmann::json& e) {
      return e["event"] == event && e.contains(key) && e[key] == value;
    });
  }
  std::string sshd_endpoint() { return "127.0.0.1:" + std::to_string(f.sshd(t).port()); }
};

TEST_F(BastionTerminatingForwards, ALocalForwardGoesOnFromTheTargetToAnAllowedDestination) {
  allow["local_forwards"] = {{{"host", "127.0.0.1"}, {"ports", {f.sshd(t).port()}}}};
  start();
  // ssh -W is a direct-tcpip with stdin and stdout as its ends: the target's sshd answers
  // with its banner, through the bastion and the target.
  auto r = alice({"-W", sshd_endpoint()});
  EXPECT_EQ(r.out.rfind("SSH-2.0-OpenSSH", 0), 0u) << r.out << r.err;
  EXPECT_TRUE(logged("channel_open", "destination", sshd_endpoint()));
}

TEST_F(BastionTerminatingForwards, ALocalForwardToAnotherDestinationIsRefusedWithItsReason) {
  allow["local_forwards"] = {{{"host", "db.internal"}, {"ports", {5432}}}};
  start();
  auto r = alice({"-W", sshd_endpoint()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("SSH-2.0"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("administratively prohibited"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(sshd_endpoint()), std::string::npos) << r.err;
  EXPECT_TRUE(logged("channel_denied", "destination", sshd_endpoint()));
}

TEST_F(BastionTerminatingForwards, ARemoteForwardListensAtTheTargetAndComesBackToTheUser) {
  const auto port = sshlib::test::free_loopback_port();
  allow["remote_forwards"] = {{{"ports", {port}}}};
  start();
  // On the target, a connection to the forwarded port reaches (through the bastion and the
  // user's ssh) the target's own sshd, whose banner it reads.
  const auto remote = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + " && head -c 15 <&3";
  auto r = alice({"-o", "ExitOnForwardFailure=yes", "-R",
                  std::to_string(port) + ":" + sshd_endpoint(), "bash", "-c", "'" + remote + "'"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "SSH-2.0-OpenSSH") << r.err;
  EXPECT_TRUE(logged("remote_forward", "listen", "127.0.0.1:" + std::to_string(port)) ||
              logged("remote_forward", "listen", "localhost:" + std::to_string(port)));
  EXPECT_TRUE(logged("channel_open", "type", "forwarded-tcpip"));
}

TEST_F(BastionTerminatingForwards, ARemoteForwardOnAPortTheRuleDoesNotListIsRefused) {
  const auto port = sshlib::test::free_loopback_port();
  allow["remote_forwards"] = {{{"ports", {port == 65535 ? 65534 : port + 1}}}};
  start();
  auto r = alice({"-o", "ExitOnForwardFailure=yes", "-R",
                  std::to_string(port) + ":" + sshd_endpoint(), "echo", "should-not-run"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("should-not-run"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("remote port forwarding failed"), std::string::npos) << r.err;
  const auto events = f.events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["event"] == "request_denied" && e["request"] == "tcpip-forward";
  }));
}

// alice's own agent, holding her key; its environment for ssh.
struct agent_fixture {
  std::filesystem::path sock;
  std::unique_ptr<sshlib::test::background_process> process;
  sshlib::test::environment env;
};

agent_fixture start_agent(bastion_fixture& f) {
  agent_fixture a;
  a.sock = f.dir() / "agent.sock";
  a.process = std::make_unique<sshlib::test::background_process>(
      std::vector<std::string>{"ssh-agent", "-D", "-a", a.sock.string()},
      sshlib::test::environment{}, f.dir() / "agent.log");
  EXPECT_TRUE(sshlib::test::wait_for_unix_socket(a.sock));
  a.env = {{"SSH_AUTH_SOCK", a.sock.string()}};
  auto add = sshlib::test::run_process({"ssh-add", f.user_key().string()}, {}, a.env);
  EXPECT_EQ(add.exit_code, 0) << add.err;
  return a;
}

TEST_F(BastionTerminatingForwards, TheUsersAgentIsForwardedOnToTheTargetWhenTheRuleAllows) {
  allow["agent_forwarding"] = true;
  start();
  auto agent = start_agent(f);
  auto fp = sshlib::test::run_process({"ssh-keygen", "-l", "-f", f.user_key().string()});
  ASSERT_EQ(fp.exit_code, 0) << fp.err;
  // "256 SHA256:... comment (ED25519)": the second field is the fingerprint.
  const auto from = fp.out.find(' ') + 1;
  const auto fingerprint = fp.out.substr(from, fp.out.find(' ', from) - from);
  auto r = alice({"-A", "ssh-add", "-l"}, {}, agent.env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fingerprint), std::string::npos) << r.out << " vs " << fingerprint;
  EXPECT_TRUE(logged("channel_open", "type", "auth-agent@openssh.com"));
}

TEST_F(BastionTerminatingForwards, AgentForwardingTheRuleDoesNotAllowIsRefusedWithItsReason) {
  start();
  auto agent = start_agent(f);
  auto r = alice({"-A", "echo", "agent=${SSH_AUTH_SOCK:-none}"}, {}, agent.env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "agent=none\n");
  EXPECT_NE(r.err.find("bastion: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("agent"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bastion::test
