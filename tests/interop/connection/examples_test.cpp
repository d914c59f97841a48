// The ssh2 README's client examples, as our example programs, each run against Debian's
// sshd listening on a loopback port: exec with stdout, stderr, exit code and signal; a shell
// on a pty; direct-tcpip to a loopback HTTP responder; a remote forward answered by the
// example; hopping through one sshd to another; a SOCKS5 proxy driven by curl and by raw
// RFC 1928 messages; a subsystem; X11 forwarding to a stand-in X server (TCP and UNIX).
#include "examples_support.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// --- example-exec-uptime ---------------------------------------------------------------

TEST_F(ExampleTest, ExecUptimePrintsUptimeAndExitCodeZero) {
  const auto r = run_child(example("example-exec-uptime"), {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("Client :: ready\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("STDOUT: "), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("load average"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("Stream :: close :: code: 0, signal: none\n"), std::string::npos)
      << details(r);
  EXPECT_NE(r.err.find("(not checked)"), std::string::npos) << details(r);
}

TEST_F(ExampleTest, ExecUptimeSeparatesStdoutFromStderrAndReportsTheExitCode) {
  const auto r = run_child(example("example-exec-uptime", {"echo to-out; echo to-err >&2; exit 7"}),
                           {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("STDOUT: to-out\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("STDERR: to-err\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("Stream :: close :: code: 7, signal: none\n"), std::string::npos)
      << details(r);
}

TEST_F(ExampleTest, ExecUptimeReportsTheSignalThatEndedTheCommand) {
  const auto r = run_child(example("example-exec-uptime", {"kill -TERM $$"}), {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("Stream :: close :: code: none, signal: TERM\n"), std::string::npos)
      << details(r);
}

TEST_F(ExampleTest, ExecUptimeFailsCleanlyWithAKeySshdDoesNotKnow) {
  const auto other = (sshd_->server().dir() / "other_key").string();
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other}).exit_code, 0);
  auto argv = example("example-exec-uptime");
  argv[4] = other;
  const auto r = run_child(argv, {}, example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("connect: "), std::string::npos) << details(r);
  EXPECT_EQ(r.out.find("Client :: ready"), std::string::npos) << details(r);
}

// --- example-shell ---------------------------------------------------------------------

TEST_F(ExampleTest, ShellRunsTypedCommandsOnAPtyAndExitsWithTheShellsStatus) {
  const auto r = run_child(example("example-shell"), "echo $((40 + 2)); exit 3\n", example_timeout);
  EXPECT_EQ(r.exit_code, 3) << details(r);
  // The pty turns "\n" into "\r\n"; "42" is the command's output, not the terminal echoing
  // what we typed.
  EXPECT_NE(r.out.find("42\r\n"), std::string::npos) << details(r);
}

TEST_F(ExampleTest, ShellAsksForATerminalOfTheTypeInTerm) {
  // stdin is a pipe here, so the size is the pty_settings default (80x24).
  const auto r = run_child(example("example-shell"), "stty size; echo \"term=$TERM\"; exit\n",
                           example_timeout, {{"TERM", "xterm-256color"}});
  EXPECT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("24 80\r\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("term=xterm-256color\r\n"), std::string::npos) << details(r);
}

// --- example-forward-out-http ----------------------------------------------------------

TEST_F(ExampleTest, ForwardOutHttpGetsAResponseThroughDirectTcpip) {
  http_responder web("hello through direct-tcpip\n");
  const auto r = run_child(
      example("example-forward-out-http", {"127.0.0.1", std::to_string(web.port()), "/status"}), {},
      example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("\r\n\r\nhello through direct-tcpip\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("TCP :: CLOSED\n"), std::string::npos) << details(r);
  const auto requests = web.requests();
  ASSERT_EQ(requests.size(), 1u) << details(r);
  EXPECT_EQ(requests[0].rfind("GET /status HTTP/1.1\r\n", 0), 0u) << requests[0];
}

TEST_F(ExampleTest, ForwardOutHttpReportsARefusedOpen) {
  const auto r = run_child(
      example("example-forward-out-http", {"127.0.0.1", std::to_string(free_loopback_port())}), {},
      example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("channel open failed"), std::string::npos) << details(r);
}

// --- example-forward-in ----------------------------------------------------------------

TEST_F(ExampleTest, ForwardInAnswersConnectionsToThePortSshdBound) {
  child_process ex(example("example-forward-in"));
  const std::string listening = "Listening for connections on server on port ";
  ASSERT_TRUE(ex.wait_for_output("!\n", example_timeout) &&
              ex.out().find(listening) != std::string::npos)
      << details(ex.stop(SIGKILL, 5s));
  const std::uint16_t port = number_after(ex.out(), listening);
  ASSERT_NE(port, 0) << ex.out();

  const std::string reply = tcp_exchange(port, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Server: ForwardedConnection\r\n"), std::string::npos) << reply;
  // The example prints what it received and "closed" once both ends are done.
  ASSERT_TRUE(ex.wait_for_output("TCP :: CLOSED\n", example_timeout))
      << details(ex.stop(SIGKILL, 5s));

  const auto r = ex.stop(SIGTERM, example_timeout);
  EXPECT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("TCP :: INCOMING CONNECTION: dest 127.0.0.1:" + std::to_string(port) +
                       " src 127.0.0.1:"),
            std::string::npos)
      << details(r);
  EXPECT_NE(r.out.find("TCP :: DATA: HEAD / HTTP/1.1\r\n"), std::string::npos) << details(r);
  // SIGTERM cancelled the forward before disconnecting.
  EXPECT_NE(sshd_->log().find("cancel-tcpip-forward"), std::string::npos) << sshd_->log();
}

// --- example-hop -----------------------------------------------------------------------

TEST_F(ExampleTest, HopRunsACommandOnTheSecondServerThroughTheFirst) {
  listening_sshd b;
  b.server().authorize(read_file(key_file_ + ".pub"));
  auto argv = example("example-hop");
  // example-hop A_HOST A_PORT B_HOST B_PORT USER KEYFILE [COMMAND]
  argv = {argv[0],
          argv[1],
          argv[2],
          "127.0.0.1",
          std::to_string(b.port()),
          argv[3],
          argv[4],
          "echo hop-ok; echo \"$SSH_CONNECTION\""};
  const auto r = run_child(argv, {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r) << "\n--- B's log:\n" << b.log();
  EXPECT_NE(r.out.find("FIRST :: connection ready\nSECOND :: connection ready\nhop-ok\n"),
            std::string::npos)
      << details(r);
  // SSH_CONNECTION on B ends with B's own address and port: the command ran there, reached
  // through A (whose connection to B comes from 127.0.0.1).
  EXPECT_NE(r.out.find(" 127.0.0.1 " + std::to_string(b.port()) + "\n"), std::string::npos)
      << details(r);
  EXPECT_NE(r.err.find("FIRST host key"), std::string::npos) << details(r);
  EXPECT_NE(r.err.find("SECOND host key"), std::string::npos) << details(r);
  EXPECT_NE(b.log().find("Accepted publickey"), std::string::npos) << b.log();
}

// --- example-socks5 --------------------------------------------------------------------

class SocksExampleTest : public ExampleTest {
 protected:
  void SetUp() override {
    ExampleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    proxy_ = std::make_unique<child_process>(example("example-socks5"));
    const std::string listening = "SOCKSv5 proxy listening on 127.0.0.1:";
    ASSERT_TRUE(proxy_->wait_for_output(listening, example_timeout) &&
                proxy_->wait_for_output("\n", example_timeout))
        << details(proxy_->stop(SIGKILL, 5s));
    port_ = number_after(proxy_->out(), listening);
    ASSERT_NE(port_, 0) << proxy_->out();
  }
  void TearDown() override {
    if (!proxy_) return;
    const auto r = proxy_->stop(SIGTERM, example_timeout);
    EXPECT_EQ(r.exit_code, 0) << details(r);
  }
  std::string proxy() const { return "127.0.0.1:" + std::to_string(port_); }

  std::unique_ptr<child_process> proxy_;
  std::uint16_t port_ = 0;
};

// Raw SOCKS5 bytes: greeting offering no-auth, then a request.
std::string socks_request(std::uint8_t command, std::uint8_t address_type,
                          const std::string& address, std::uint16_t port) {
  std::string m{"\x05\x01\x00", 3};
  m += std::string{'\x05', static_cast<char>(command), '\x00', static_cast<char>(address_type)};
  m += address;
  m += static_cast<char>(port >> 8);
  m += static_cast<char>(port & 0xff);
  return m;
}

const std::string method_chosen{"\x05\x00", 2};

std::string reply_with(std::uint8_t code) {
  return method_chosen +
         std::string{'\x05', static_cast<char>(code), '\x00', '\x01', 0, 0, 0, 0, 0, 0};
}

TEST_F(SocksExampleTest, CurlFetchesAPageByHostNameThroughTheProxy) {
  if (!program_available("curl"))
    GTEST_SKIP() << "curl is not installed (deploy/install-deps.sh installs it)";
  http_responder web("fetched through socks5h\n");
  // --socks5-hostname (socks5h): the name goes to the proxy, and sshd resolves it.
  const auto r = run_child({"curl", "-sS", "--max-time", "30", "--socks5-hostname", proxy(),
                            "http://localhost:" + std::to_string(web.port()) + "/by-name"},
                           {}, example_timeout);
  EXPECT_EQ(r.exit_code, 0) << r.err << details(proxy_->stop(SIGKILL, 5s));
  EXPECT_EQ(r.out, "fetched through socks5h\n");
  ASSERT_TRUE(
      proxy_->wait_for_output("CONNECT localhost:" + std::to_string(web.port()) + " ok\n", 10s))
      << proxy_->out();
}

TEST_F(SocksExampleTest, CurlFetchesAPageByIpv4AddressThroughTheProxy) {
  if (!program_available("curl"))
    GTEST_SKIP() << "curl is not installed (deploy/install-deps.sh installs it)";
  http_responder web("fetched by address\n");
  const auto r = run_child({"curl", "-sS", "--max-time", "30", "--socks5", proxy(),
                            "http://127.0.0.1:" + std::to_string(web.port()) + "/by-address"},
                           {}, example_timeout);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "fetched by address\n");
  ASSERT_EQ(web.requests().size(), 1u);
  EXPECT_EQ(web.requests()[0].rfind("GET /by-address HTTP/1.1\r\n", 0), 0u);
}

TEST_F(SocksExampleTest, AnIpv6DestinationIsConnectedToByTheServer) {
  std::unique_ptr<http_responder> web;
  try {
    web = std::make_unique<http_responder>("over ipv6\n", asio::ip::address_v6::loopback());
  } catch (const boost::system::system_error& e) {
    GTEST_SKIP() << "no IPv6 loopback here (" << e.what() << ")";
  }
  asio::ip::address_v6::bytes_type loopback6 = asio::ip::address_v6::loopback().to_bytes();
  const std::string request =
      socks_request(1, 4, std::string(loopback6.begin(), loopback6.end()), web->port()) +
      "GET /v6 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string reply = tcp_exchange(port_, request);
  EXPECT_EQ(reply.substr(0, 12), reply_with(0x00)) << reply;
  EXPECT_NE(reply.find("\r\n\r\nover ipv6\n"), std::string::npos) << reply;
  EXPECT_TRUE(proxy_->wait_for_output("CONNECT ::1:" + std::to_string(web->port()) + " ok\n", 10s))
      << proxy_->out();
}

TEST_F(SocksExampleTest, RepliesPerRfc1928ToWhatItDoesNotOffer) {
  // No acceptable method: only username/password (0x02) offered.
  EXPECT_EQ(tcp_exchange(port_, std::string{"\x05\x01\x02", 3}), std::string("\x05\xff", 2));
  // BIND (0x02) is not supported.
  EXPECT_EQ(tcp_exchange(port_, socks_request(2, 1, std::string(4, '\0'), 80)), reply_with(0x07));
  // Address type 0x05 does not exist.
  EXPECT_EQ(tcp_exchange(port_, socks_request(1, 5, "", 80)), reply_with(0x08));
  // A zero-length domain name.
  EXPECT_EQ(tcp_exchange(port_, socks_request(1, 3, std::string(1, '\0'), 80)), reply_with(0x01));
  // Not SOCKS5 at all: closed without a reply.
  EXPECT_EQ(tcp_exchange(port_, std::string{"\x04\x01\x00\x50", 4}), "");
}

TEST_F(SocksExampleTest, ADestinationSshdCannotReachGetsAFailureReply) {
  const std::string loopback4{"\x7f\x00\x00\x01", 4};
  const std::uint16_t closed = free_loopback_port();
  EXPECT_EQ(tcp_exchange(port_, socks_request(1, 1, loopback4, closed)), reply_with(0x01));
  EXPECT_TRUE(
      proxy_->wait_for_output("CONNECT 127.0.0.1:" + std::to_string(closed) + " refused", 10s))
      << proxy_->out();
}

TEST_F(SocksExampleTest, AClientStuckInItsHandshakeDoesNotHoldUpOthers) {
  // (The example closes it after 10 s; not waited for here.)
  const int idle = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port_);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(idle, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::send(idle, "\x05", 1, MSG_NOSIGNAL), 1);
  http_responder web("still served\n");
  const std::string reply =
      tcp_exchange(port_, socks_request(1, 1, std::string{"\x7f\x00\x00\x01", 4}, web.port()) +
                              "GET / HTTP/1.0\r\n\r\n");
  EXPECT_NE(reply.find("still served\n"), std::string::npos) << reply;
  ::close(idle);
}

// --- example-subsystem -----------------------------------------------------------------

class SubsystemExampleTest : public ExampleTest {
 protected:
  std::vector<std::string> sshd_config() const override { return {"Subsystem echo /bin/cat"}; }
};

TEST_F(SubsystemExampleTest, BytesSentToTheSubsystemComeBack) {
  std::string input = "<hello/>]]>]]>\n";
  for (int i = 0; i < 256; ++i) input += static_cast<char>(i);  // every byte value
  input += std::string(200000, 'x');                            // more than one window chunk
  const auto r = run_child(example("example-subsystem", {"echo"}), input, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_EQ(r.out.size(), input.size());
  EXPECT_TRUE(r.out == input) << "output differs from input";
}

TEST_F(SubsystemExampleTest, AnUnknownSubsystemIsRefused) {
  const auto r =
      run_child(example("example-subsystem", {"no-such-subsystem"}), "x", example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("subsystem no-such-subsystem: "), std::string::npos) << details(r);
}

// --- example-x11 -----------------------------------------------------------------------

class X11ExampleTest : public ExampleTest {
 protected:
  std::vector<std::string> sshd_config() const override {
    return {"X11Forwarding yes", "X11UseLocalhost yes", "X11DisplayOffset 10",
            "XAuthLocation /usr/bin/xauth"};
  }
  void SetUp() override {
    if (::access("/usr/bin/xauth", X_OK) != 0)
      GTEST_SKIP() << "xauth is not installed: sshd refuses X11 forwarding";
    ExampleTest::SetUp();
  }

  // A stand-in X server: reads one line from each client, answers "X-OK", closes.
  template <class Socket>
  asio::awaitable<void> x_server(Socket s) {
    asio::streambuf in(256);
    const std::size_t n = co_await asio::async_read_until(s, in, '\n', asio::use_awaitable);
    {
      std::lock_guard lock(mutex_);
      received_.emplace_back(asio::buffers_begin(in.data()),
                             asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
    }
    co_await asio::async_write(s, asio::buffer(std::string_view("X-OK\n")), asio::use_awaitable);
  }
  std::vector<std::string> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

  // On the server: an "X client" that connects to $DISPLAY (sshd's proxy display,
  // localhost:10+), says hello and prints the answer.
  static constexpr const char* x_client =
      "bash -c 'd=${DISPLAY#*:}; d=${d%.*}; exec 3<>/dev/tcp/127.0.0.1/$((6000 + d)) || exit 9; "
      "printf \"hello-x11\\n\" >&3; read -r reply <&3; echo \"display $DISPLAY said: $reply\"'";

  void expect_forwarded(const child_result& r) {
    ASSERT_EQ(r.exit_code, 0) << details(r);
    EXPECT_NE(r.out.find("said: X-OK\n"), std::string::npos) << details(r);
    EXPECT_NE(r.out.find("display localhost:"), std::string::npos) << details(r);
    EXPECT_NE(r.err.find("X11 :: connection from "), std::string::npos) << details(r);
    EXPECT_EQ(received(), std::vector<std::string>{"hello-x11\n"});
  }

  std::mutex mutex_;
  std::vector<std::string> received_;
};

TEST_F(X11ExampleTest, ForwardsAnX11ConnectionToATcpDisplay) {
  // Display N is TCP port 6000+N: let the kernel pick the port, then name it as a display.
  listener_thread<asio::ip::tcp> x(
      {asio::ip::address_v4::loopback(), 0},
      [this](asio::ip::tcp::socket s) { return x_server(std::move(s)); });
  const int display = x.local_endpoint().port() - 6000;
  ASSERT_GT(display, 0);
  expect_forwarded(
      run_child(example("example-x11", {"127.0.0.1:" + std::to_string(display), x_client}), {},
                example_timeout));
}

TEST_F(X11ExampleTest, ForwardsAnX11ConnectionToAUnixSocketDisplay) {
  // Display :N is /tmp/.X11-unix/XN; take a number no one uses.
  ::mkdir("/tmp/.X11-unix", 01777);
  int display = 700 + static_cast<int>(::getpid() % 200);
  while (std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(display))) ++display;
  const std::string path = "/tmp/.X11-unix/X" + std::to_string(display);
  {
    listener_thread<asio::local::stream_protocol> x(
        {path}, [this](asio::local::stream_protocol::socket s) { return x_server(std::move(s)); });
    expect_forwarded(run_child(example("example-x11", {":" + std::to_string(display), x_client}),
                               {}, example_timeout));
  }
  std::filesystem::remove(path);
}

TEST_F(X11ExampleTest, AnUnreachableDisplayRefusesTheX11Channel) {
  const int display = free_loopback_port() - 6000;  // nothing listens there
  const auto r =
      run_child(example("example-x11", {"127.0.0.1:" + std::to_string(display), x_client}), {},
                example_timeout);
  // The X client's connect to sshd's display succeeds, but sshd's channel open is refused,
  // so sshd closes that connection: `read` gets nothing.
  EXPECT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("said: \n"), std::string::npos) << details(r);
  EXPECT_NE(r.err.find("X11 :: cannot reach the display"), std::string::npos) << details(r);
}

}  // namespace
}  // namespace sshlib::test
