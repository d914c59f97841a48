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

#include <sshlib/key.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

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
  EXPECT_TRUE(has("upstream_connect", [](const auto& e) {
    return e["target"] == "web1" &&
           e["host_key"].template get<std::string>().rfind("SHA256:", 0) == 0;
  }));
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

// An agent that lists one key and never answers a request to sign with it. The user's own
// ssh (IdentitiesOnly, its key file) does not use that key; the bastion, logging in upstream
// through the agent with a key the target accepts, stalls on the signature.
class silent_agent {
 public:
  silent_agent(std::filesystem::path path, sshlib::bytes key_blob)
      : path_(std::move(path)), blob_(std::move(key_blob)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 8) != 0) {
      throw std::runtime_error("cannot listen on " + path_.string());
    }
    acceptor_ = std::thread([this] { accept_all(); });
  }
  ~silent_agent() {
    ::shutdown(listener_, SHUT_RDWR);  // ends accept()
    acceptor_.join();
    for (int fd : held_) ::shutdown(fd, SHUT_RDWR);  // ends the answering threads' reads
    for (auto& t : answerers_) t.join();
    for (int fd : held_) ::close(fd);
    ::close(listener_);
  }

 private:
  void accept_all() {
    for (;;) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      held_.push_back(fd);
      answerers_.emplace_back([this, fd] { answer(fd); });
    }
  }
  static bool read_exactly(int fd, std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      const auto got = ::read(fd, p, n);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }
  static void put_u32(std::vector<std::uint8_t>& out, std::size_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void answer(int fd) const {
    for (;;) {
      std::uint8_t header[4];
      if (!read_exactly(fd, header, 4)) return;
      const std::uint32_t n =
          (std::uint32_t{header[0]} << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
      if (n == 0 || n > 256 * 1024) return;
      std::vector<std::uint8_t> body(n);
      if (!read_exactly(fd, body.data(), n)) return;
      if (body[0] == 13) continue;  // SSH2_AGENTC_SIGN_REQUEST: silence
      std::vector<std::uint8_t> payload;
      if (body[0] == 11) {  // SSH2_AGENTC_REQUEST_IDENTITIES: one key, no comment
        payload.push_back(12);
        put_u32(payload, 1);
        put_u32(payload, blob_.size());
        payload.insert(payload.end(), blob_.begin(), blob_.end());
        put_u32(payload, 0);
      } else {
        payload.push_back(5);  // SSH_AGENT_FAILURE
      }
      std::vector<std::uint8_t> reply;
      put_u32(reply, payload.size());
      reply.insert(reply.end(), payload.begin(), payload.end());
      if (::write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) return;
    }
  }
  std::filesystem::path path_;
  sshlib::bytes blob_;
  int listener_ = -1;
  std::thread acceptor_;
  std::vector<std::thread> answerers_;  // both written by the acceptor only, read after it
  std::vector<int> held_;               // has been joined
};

TEST_F(BastionTerminating, AnAgentThatNeverSignsEndsInAMessageNotAHang) {
  target["upstream_auth"] = {{"method", "agent"}};
  f.start(terminating_policy(f, target, allow_all), {{"upstream_connect_timeout_seconds", 2}});
  const auto other = f.dir() / "upstream_ok";  // SetUp's: the target accepts it, so a
                                               // signature is asked for
  auto key = sshlib::parse_key(sshlib::as_bytes(read_public_line(other)));
  ASSERT_TRUE(key) << key.error().message();
  const auto sock = f.dir() / "silent.sock";
  silent_agent agent(sock, key->public_blob());
  const sshlib::test::environment env{{"SSH_AUTH_SOCK", sock.string()}};
  auto r = f.ssh({"-A", "-l", "alice+web1", "bastion", "echo", "nope"}, {}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // sshlib's ready timeout or the bastion's own deadline, whichever says it first.
  EXPECT_TRUE(r.err.find("not logged in within 2 s") != std::string::npos ||
              r.err.find("not authenticated within the ready timeout") != std::string::npos)
      << r.err;
}

// A TCP listener that accepts and never says anything: a target whose SSH handshake
// never starts, so the bastion's upstream connection stays in progress.
class silent_tcp_listener {
 public:
  silent_tcp_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 4) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (int c; (c = ::accept(fd_, nullptr, nullptr)) >= 0;) {
        held_.push_back(c);
        ++accepted_;
      }
    });
  }
  ~silent_tcp_listener() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::vector<int> held_;  // the acceptor's, read after it has been joined
  std::thread thread_;
};

// The user goes away while the bastion is still reaching the target, and the bastion is
// stopped right after: it must end cleanly, holding nothing (the fixture fails the test
// when the bastion does not exit 0, as LeakSanitizer makes it do on a leak).
TEST_F(BastionTerminating, AUserWhoLeavesWhileTheTargetIsBeingReachedLeavesNothingBehind) {
  silent_tcp_listener quiet;
  target["port"] = quiet.port();
  f.start(terminating_policy(f, target, allow_all));
  {
    sshlib::test::child_process ssh(
        {"ssh", "-F", (f.dir() / "ssh_config").string(), "-l", "alice+web1", "bastion", "true"});
    ASSERT_TRUE(eventually([&] { return quiet.accepted() > 0; }, std::chrono::seconds(30)));
  }  // ssh is killed here, mid-connect upstream
  ASSERT_TRUE(eventually(
      [&] {
        const auto events = f.events();
        return std::any_of(events.begin(), events.end(),
                           [](const nlohmann::json& e) { return e["event"] == "disconnect"; });
      },
      std::chrono::seconds(30)));
}

// env requests pass only for the variables the rule lists (LANG and LC_* by default); the
// others are dropped, as sshd's AcceptEnv does, and logged.
TEST(BastionTerminatingEnv, OnlyTheVariablesTheRuleAllowsReachTheTarget) {
  if (skip_without_sshd()) GTEST_SKIP() << sshlib::test::listening_sshd::unavailable_reason();
  bastion_fixture f;
  const auto t = f.add_sshd_target({"AcceptEnv *"});
  f.start(f.alice_web1_policy(f.key_login_target(t),
                              {{"allow", {{"exec", true}, {"env", {"LC_*", "APP_MODE"}}}}}));
  auto r = f.ssh({"-o", "SetEnv=LC_DEMO=yes APP_MODE=blue LD_PRELOAD=/tmp/evil.so", "-l",
                  "alice+web1", "bastion", "echo \"[$LC_DEMO][$APP_MODE][$LD_PRELOAD]\""});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[yes][blue][]\n");
  const auto events = f.events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const auto& e) {
    return e["event"] == "request_denied" && e["request"] == "env" &&
           e["reason"].template get<std::string>().find("LD_PRELOAD") != std::string::npos;
  }));
}

}  // namespace
}  // namespace bastion::test
