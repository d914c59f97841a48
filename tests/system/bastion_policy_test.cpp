// The policy at work through the real daemon: a denial for each kind of rule condition
// (login, source network, mode, pty, subsystem), each reaching the user as one line; a
// reload (SIGHUP) that takes access away applies to new connections while a live session
// goes on, and an invalid file keeps the old policy. (100 concurrent sessions: load/.)
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <sys/stat.h>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>

namespace bastion::test {
namespace {

struct BastionPolicy : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;
  nlohmann::json target;
  nlohmann::json rule;

  void SetUp() override {
    const auto why = sshlib::test::listening_sshd::unavailable_reason();
    if (!why.empty()) GTEST_SKIP() << why;
    t = f.add_sshd_target();
    target = f.target_entry(t);
    const auto key = f.dir() / "upstream_ed25519";
    auto r = sshlib::test::run_process(
        {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    f.sshd(t).server().authorize(read_public_line(key));
    target["upstream_auth"] = {{"method", "key"}, {"key_file", key.string()}};
    rule = {{"name", "alice-web"},
            {"users", {"alice"}},
            {"targets", {"web1"}},
            {"logins", {sshlib::test::sshd_server::user()}},
            {"allow", {{"shell", true}, {"exec", true}, {"pty", true}, {"subsystems", {"sftp"}}}}};
  }
  nlohmann::json policy() const {
    return {{"users", {{"alice", {{"public_keys", {read_public_line(f.user_key())}}}}}},
            {"targets", {{"web1", target}}},
            {"rules", {rule}}};
  }
  child_result as(const std::string& user, std::vector<std::string> args,
                  const std::string& input = {}) {
    args.insert(args.begin(), {"-l", user, "bastion"});
    return f.ssh(args, input);
  }
  // Waits (bounded) until the event log has an event of that name: the daemon handles a
  // signal on its own thread, and its log line is the sign it has.
  bool wait_for_event(const std::string& name) {
    sshlib::test::child_process tail(
        {"timeout", "30", "tail", "-n", "+1", "-f", (f.dir() / "events.jsonl").string()});
    return tail.wait_for_output("\"event\":\"" + name + "\"", std::chrono::seconds(30));
  }
  // The one-line reason of a refused session, as ssh prints it.
  static void expect_refused(const child_result& r, const std::string& words) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  }
};

TEST_F(BastionPolicy, ALoginTheRuleDoesNotListIsRefused) {
  f.start(policy());
  expect_refused(as("alice+nobody@web1", {"true"}), "administratively prohibited");
  auto ok = as("alice+" + sshlib::test::sshd_server::user() + "@web1", {"echo", "ok"});
  EXPECT_EQ(ok.out, "ok\n") << ok.err;
}

TEST_F(BastionPolicy, ASourceNetworkOutsideTheRuleIsRefused) {
  rule["source_networks"] = {"10.0.0.0/8", "2001:db8::/32"};
  f.start(policy());
  expect_refused(as("alice+web1", {"true"}), "127.0.0.1");
}

TEST_F(BastionPolicy, AModeTheRuleDoesNotAllowIsRefused) {
  rule["modes"] = {"hop"};
  f.start(policy());
  expect_refused(as("alice+web1", {"true"}), "administratively prohibited");
  // The same rule lets alice hop to web1.
  auto hop = f.ssh({"-o", "ProxyJump=bastion", "-p", std::to_string(f.sshd(t).port()), "127.0.0.1",
                    "echo", "hop"});
  EXPECT_EQ(hop.out, "hop\n") << hop.err;
}

TEST_F(BastionPolicy, APtyOrASubsystemTheRuleDoesNotAllowIsRefused) {
  rule["allow"] = {{"exec", true}};
  f.start(policy());
  // ssh -tt gives up on a session without its terminal (OpenSSH's own message); the
  // reason is in the log.
  auto forced = as("alice+web1", {"-tt", "echo", "with-a-pty"});
  EXPECT_EQ(forced.out.find("with-a-pty"), std::string::npos);
  EXPECT_NE(forced.err.find("PTY allocation request failed"), std::string::npos) << forced.err;

  sshlib::test::child_process sftp(
      {"sftp", "-F", (f.dir() / "ssh_config").string(), "-b", "-", "alice+web1@bastion"}, "ls\n");
  auto s = sftp.wait(std::chrono::seconds(60));
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("bastion: rule alice-web does not allow"), std::string::npos) << s.err;
  const auto events = f.events();
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const auto& e) { return e["event"] == "request_denied"; }),
            2);
}

TEST_F(BastionPolicy, AReloadAppliesToNewConnectionsWhileALiveSessionGoesOn) {
  f.start(policy());
  // A live session that says it is ready, then waits on a FIFO the test writes last.
  const auto fifo = f.dir() / "release";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  sshlib::test::child_process live({"ssh", "-F", (f.dir() / "ssh_config").string(), "-l",
                                    "alice+web1", "bastion", "echo ready; cat " + fifo.string()});
  ASSERT_TRUE(live.wait_for_output("ready", std::chrono::seconds(60))) << live.err();

  // An invalid file first: the old policy stays, and the log says why.
  auto config = nlohmann::json::parse(read_file(f.config_path()));
  config["policy"]["rules"][0]["targets"] = {"web9"};
  std::ofstream(f.config_path()) << config.dump(2);
  ::kill(f.process().pid(), SIGHUP);
  ASSERT_TRUE(wait_for_event("reload_failed"));
  auto still = as("alice+web1", {"echo", "still"});
  EXPECT_EQ(still.out, "still\n") << still.err;

  // Then a valid one that no longer lets alice in.
  config["policy"]["users"]["bob"] = {{"public_keys", {read_public_line(f.user_key())}}};
  config["policy"]["rules"][0]["users"] = {"bob"};
  config["policy"]["rules"][0]["targets"] = {"web1"};
  std::ofstream(f.config_path()) << config.dump(2);
  ::kill(f.process().pid(), SIGHUP);
  ASSERT_TRUE(wait_for_event("reload"));
  expect_refused(as("alice+web1", {"true"}), "administratively prohibited");
  auto bob = as("bob+web1", {"echo", "bob"});
  EXPECT_EQ(bob.exit_code, 0) << bob.err;
  EXPECT_EQ(bob.out, "bob\n") << bob.err;

  // The live session was not cut: it finishes with what the FIFO gives it.
  {
    std::ofstream release(fifo);
    release << "after-the-reload\n";
  }
  auto r = live.wait(std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ready\nafter-the-reload\n");
}

}  // namespace
}  // namespace bastion::test
