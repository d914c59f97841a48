// X11 forwarding through the bastion in terminating mode, with OpenSSH at both ends: the
// user's `ssh -Y` asks for it, the bastion passes the x11-req to the target sshd, and an X
// client on the target (a real X11 connection setup with the cookie sshd stored) reaches a
// stand-in X server on the user's side through the target, the bastion and the user's ssh.
// A rule without x11 refuses it with the reason on stderr and the session goes on without.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

namespace bastion::test {
namespace {

// A stand-in X server on a loopback TCP port above 6000 (display N is port 6000+N): for
// each connection, reads what arrives first (the setup packet) and answers "X-OK".
class fake_x_server {
 public:
  fake_x_server() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    for (int display = 100 + static_cast<int>(::getpid() % 500); display < 1000; ++display) {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(6000 + display));
      if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        display_ = display;
        break;
      }
    }
    if (display_ == 0 || ::listen(listener_, 4) != 0) throw std::runtime_error("no X display port");
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_x_server() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  int display() const { return display_; }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (;;) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      char buf[512];
      if (::read(fd, buf, sizeof buf) > 0) {
        ++connections_;
        (void)::write(fd, "X-OK\n", 5);
      }
      ::close(fd);
    }
  }
  int listener_ = -1;
  int display_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// The X client run on the target: the X11 connection setup (little-endian, protocol 11.0,
// MIT-MAGIC-COOKIE-1 with the cookie sshd stored for $DISPLAY), then what the display says.
constexpr const char* x_client_py = R"(import os, socket, struct, subprocess, sys
display = os.environ.get("DISPLAY")
if not display:
    print("no DISPLAY"); sys.exit(0)
number = int(display.split(":")[1].split(".")[0])
fields = subprocess.run(["xauth", "list", display], capture_output=True, text=True).stdout.split()
cookie = bytes.fromhex(fields[2])
name = b"MIT-MAGIC-COOKIE-1"
pad = lambda b: b + b"\0" * (-len(b) % 4)
setup = b"l\0" + struct.pack("<HHHH", 11, 0, len(name), len(cookie)) + b"\0\0" + pad(name) + pad(cookie)
s = socket.create_connection(("127.0.0.1", 6000 + number))
s.sendall(setup)
print("display said:", s.recv(64).decode().strip())
)";

struct BastionX11 : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty()) {
      std::cout << "skipped: " << why << "\n";
      GTEST_SKIP() << why;
    }
    if (::access("/usr/bin/xauth", X_OK) != 0) {
      std::cout << "skipped: xauth is not installed (deploy/install-deps.sh installs it)\n";
      GTEST_SKIP() << "xauth is not installed";
    }
    // sshd stores the session's cookie with xauth, here in a file of the test's own.
    t = f.add_sshd_target({"X11Forwarding yes", "X11UseLocalhost yes", "X11DisplayOffset 10",
                           "XAuthLocation /usr/bin/xauth",
                           "SetEnv XAUTHORITY=" + (f.dir() / "target.xauthority").string()});
    std::ofstream(f.dir() / "xclient.py") << x_client_py;
  }
  void start(bool allow_x11) {
    f.start(f.alice_web1_policy(f.key_login_target(t),
                                {{"allow", {{"exec", true}, {"x11", allow_x11}}}}));
  }
  child_result run_x_client(const fake_x_server& x) {
    // -Y: trusted forwarding, so ssh needs no X SECURITY extension from our stand-in.
    return f.ssh(
        {"-Y", "-l", "alice+web1", "bastion", "python3", (f.dir() / "xclient.py").string()}, {},
        {{"DISPLAY", "127.0.0.1:" + std::to_string(x.display())}});
  }
};

TEST_F(BastionX11, AnX11ConnectionOnTheTargetReachesTheUsersDisplay) {
  start(true);
  fake_x_server x;
  auto r = run_x_client(x);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("display said: X-OK"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(x.connections(), 1);
  const auto events = f.events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["event"] == "channel_open" && e["type"] == "x11";
  }));
}

TEST_F(BastionX11, X11ForwardingTheRuleDoesNotAllowIsRefusedWithItsReason) {
  start(false);
  fake_x_server x;
  auto r = run_x_client(x);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no DISPLAY"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("bastion: "), std::string::npos) << r.err;
  EXPECT_EQ(x.connections(), 0);
}

}  // namespace
}  // namespace bastion::test
