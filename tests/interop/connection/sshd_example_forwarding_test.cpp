// Forwarding through the sshlib-sshd example, with OpenSSH's `ssh` as the client: -L (to TCP
// and to a UNIX socket), -R (port 0, a fixed port, a UNIX socket), -D (curl through the SOCKS
// proxy ssh runs), -W, -J (through one sshlib-sshd to another), -A (ssh-add on the server
// lists the test agent's key), a large transfer with SHA-256 on both ends, and the refusals.
//
// The far ends are blocking sockets served on threads of the test (stream_service); every
// socket has a 60 s timeout and every process a deadline, so a failure ends the test rather
// than hanging it. Readiness is read from ssh's own output (-v lines such as "Local
// forwarding listening on ..."), never guessed with a sleep.
#include "sshd_example_support.hpp"
#include "support/unix_socket.hpp"

#include <openssl/evp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iomanip>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

namespace sshlib::test {
namespace {

constexpr int socket_timeout_seconds = 60;

// ---- small socket helpers (blocking, with timeouts) ----------------------------------------

class fd_owner {
 public:
  explicit fd_owner(int fd = -1) : fd_(fd) {}
  fd_owner(fd_owner&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  fd_owner& operator=(fd_owner&& o) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~fd_owner() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

void set_timeouts(int fd) {
  timeval tv{socket_timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

sockaddr_un unix_address(const std::filesystem::path& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  return a;
}

fd_owner connect_tcp(std::uint16_t port) {
  fd_owner fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  set_timeouts(fd.get());
  const auto a = loopback(port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) return fd_owner();
  return fd;
}

fd_owner connect_unix(const std::filesystem::path& path) {
  fd_owner fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  set_timeouts(fd.get());
  const auto a = unix_address(path);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) return fd_owner();
  return fd;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Everything until EOF (or an error or the timeout).
std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Writes `text`, half-closes, and returns all the peer sends back until its EOF: through an
// echo service this checks data both ways and that EOF crosses in both directions.
std::string echo_through(int fd, const std::string& text) {
  if (!write_all(fd, text)) return "(write failed)";
  ::shutdown(fd, SHUT_WR);
  return read_all(fd);
}

// A port nobody listens on now (bound, read and released): for ssh's -L and -D, which
// cannot report a port they chose. ExitOnForwardFailure turns a lost race into a failure.
std::uint16_t free_port() {
  fd_owner fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  auto a = loopback(0);
  socklen_t len = sizeof a;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return 0;
  }
  return ntohs(a.sin_port);
}

// ---- data and digests ------------------------------------------------------------------------

class sha256 {
 public:
  sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void update(const char* p, std::size_t n) { EVP_DigestUpdate(ctx_.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    std::ostringstream s;
    for (unsigned i = 0; i < len; ++i) s << std::hex << std::setw(2) << std::setfill('0') << +md[i];
    return s.str();
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// Pseudo-random bytes (splitmix64), cheap enough not to be the bottleneck.
class byte_source {
 public:
  explicit byte_source(std::uint64_t seed) : state_(seed) {}
  void fill(std::vector<char>& buf) {
    for (std::size_t i = 0; i + 8 <= buf.size(); i += 8) {
      state_ += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = state_;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      std::memcpy(buf.data() + i, &z, 8);
    }
  }

 private:
  std::uint64_t state_;
};

// Sends `total` pseudo-random bytes; returns their digest, or "" if a write failed.
std::string send_random(int fd, std::uint64_t total, std::uint64_t seed) {
  byte_source src(seed);
  sha256 h;
  std::vector<char> buf(256 * 1024);
  for (std::uint64_t left = total; left > 0;) {
    src.fill(buf);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    h.update(buf.data(), n);
    if (!write_all(fd, std::string_view(buf.data(), n))) return "";
    left -= n;
  }
  return h.hex();
}

// Reads to EOF; returns the digest and the byte count.
std::pair<std::string, std::uint64_t> receive_digest(int fd) {
  sha256 h;
  std::uint64_t total = 0;
  std::vector<char> buf(256 * 1024);
  while (true) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<std::uint64_t>(n);
  }
  return {h.hex(), total};
}

std::uint64_t forward_test_bytes() {
  const char* mib = std::getenv("SSHLIB_FORWARD_TEST_MIB");
  const std::uint64_t n = mib != nullptr && *mib != '\0' ? std::strtoull(mib, nullptr, 10) : 64;
  return (n == 0 ? 64 : n) * 1024 * 1024;
}

// ---- services the forwards lead to ---------------------------------------------------------

// A blocking socket service on threads of its own: each accepted connection is handed to
// `handler` on a new thread. The destructor stops accepting and joins every thread (handlers
// end by themselves: their sockets time out).
class stream_service {
  struct passkey {};  // only the factories below construct

 public:
  using handler_type = std::function<void(int fd)>;

  static std::unique_ptr<stream_service> tcp(handler_type h) {
    fd_owner fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto a = loopback(0);
    socklen_t len = sizeof a;
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("bind");
    }
    return std::make_unique<stream_service>(passkey{}, std::move(fd), ntohs(a.sin_port),
                                            std::move(h));
  }
  static std::unique_ptr<stream_service> unix_socket(const std::filesystem::path& path,
                                                     handler_type h) {
    fd_owner fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const auto a = unix_address(path);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      throw std::runtime_error("bind " + path.string());
    }
    return std::make_unique<stream_service>(passkey{}, std::move(fd), 0, std::move(h));
  }

  ~stream_service() {
    const char stop = 1;
    (void)!::write(stop_[1], &stop, 1);
    acceptor_.join();
    for (auto& t : workers_) t.join();
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  stream_service(const stream_service&) = delete;
  stream_service& operator=(const stream_service&) = delete;

  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

  stream_service(passkey, fd_owner fd, std::uint16_t port, handler_type h)
      : fd_(std::move(fd)), port_(port), handler_(std::move(h)) {
    if (::listen(fd_.get(), 64) != 0 || ::pipe2(stop_, O_CLOEXEC) != 0) {
      throw std::runtime_error("listen");
    }
    acceptor_ = std::thread([this] { run(); });
  }

 private:
  void run() {
    while (true) {
      pollfd p[2] = {{fd_.get(), POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (::poll(p, 2, -1) < 0 && errno != EINTR) return;
      if (p[1].revents != 0) return;
      if (p[0].revents == 0) continue;
      const int c = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      set_timeouts(c);
      ++accepted_;
      workers_.emplace_back([this, c] {
        handler_(c);
        ::close(c);
      });
    }
  }

  fd_owner fd_;
  std::uint16_t port_;
  handler_type handler_;
  int stop_[2] = {-1, -1};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;  // only the accept thread adds, before the join
};

// Sends back what it reads; the peer's EOF becomes ours.
void echo(int fd) {
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    if (!write_all(fd, std::string_view(buf, static_cast<std::size_t>(n)))) return;
  }
  ::shutdown(fd, SHUT_WR);
}

// Answers one HTTP request with "hello from the far end".
void http_hello(int fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    request.append(buf, static_cast<std::size_t>(n));
  }
  write_all(fd,
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n"
            "Connection: close\r\n\r\nhello from the far end");
}

// ---- ssh in the background -------------------------------------------------------------------

// `ssh` left running (for -N with forwards): stderr collected as it comes, so the test can
// wait for the line that says a forward is ready; killed and reaped on destruction.
class background_ssh {
 public:
  explicit background_ssh(const std::vector<std::string>& argv) {
    int err[2];
    if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(err[1], 2);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    ::close(err[1]);
    err_fd_ = fd_owner(err[0]);
  }
  ~background_ssh() { stop(); }
  background_ssh(const background_ssh&) = delete;
  background_ssh& operator=(const background_ssh&) = delete;

  // Reads stderr until it contains `text` (true), ssh exits, or process_timeout passes.
  bool wait_for(std::string_view text) {
    const auto deadline = clock_type::now() + process_timeout;
    while (err_.find(text) == std::string::npos) {
      pollfd p{err_fd_.get(), POLLIN, 0};
      if (!err_fd_.ok() || ::poll(&p, 1, milliseconds_until(deadline)) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::read(err_fd_.get(), buf, sizeof buf);
      if (n <= 0) {
        err_fd_ = fd_owner();
        return err_.find(text) != std::string::npos;
      }
      err_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  // Waits for ssh to exit by itself; its exit code, or nullopt after the deadline.
  std::optional<int> wait_exit() {
    wait_for("\x01never printed\x01");  // drains stderr to its end (ssh's exit)
    auto status = wait_child(pid_, clock_type::now() + process_timeout);
    if (!status) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }
  // SIGKILL, not SIGTERM: OpenSSH 9.2's ssh can miss a SIGTERM that arrives while it handles a
  // channel event (it then sleeps in poll for minutes). To the server it is the same: the
  // connection drops.
  void stop() {
    if (pid_ <= 0) return;
    kill_and_reap(pid_);
    pid_ = -1;
  }
  const std::string& err() const { return err_; }

 private:
  pid_t pid_ = -1;
  fd_owner err_fd_;
  std::string err_;
};

// Polls (bounded) until `gone` holds: for files the server removes once a connection ends.
template <class Pred>
bool eventually(Pred gone) {
  const auto deadline = clock_type::now() + process_timeout;
  while (!gone() && clock_type::now() < deadline) {
    pollfd none{-1, 0, 0};
    ::poll(&none, 0, 20);  // a short pause between looks
  }
  return gone();
}

// ---- the fixture -----------------------------------------------------------------------------

class SshdExampleForwarding : public sshd_example_fixture {
 protected:
  // ssh with -N and `options`, running until the test ends.
  std::unique_ptr<background_ssh> ssh_in_background(std::vector<std::string> options) {
    options.insert(options.begin(), "-N");
    return std::make_unique<background_ssh>(ssh_argv(options));
  }

  // ssh -N -L local_port:target, once it listens.
  std::unique_ptr<background_ssh> local_forward(std::uint16_t local_port, const std::string& target,
                                                std::vector<std::string> more = {}) {
    more.insert(more.end(), {"-v", "-o", "ExitOnForwardFailure=yes", "-L",
                             "127.0.0.1:" + std::to_string(local_port) + ":" + target});
    auto s = ssh_in_background(more);
    EXPECT_TRUE(wait_until_listening(*s, local_port)) << s->err() << server_->log();
    return s;
  }

  // ssh -v says "Local forwarding listening" just before it binds, and starts its main loop
  // ("Entering interactive session") once every local forward listens (or, with
  // ExitOnForwardFailure, exits): both lines, in that order, mean the port is ready.
  static bool wait_until_listening(background_ssh& s, std::uint16_t port) {
    return s.wait_for("Local forwarding listening on 127.0.0.1 port " + std::to_string(port) +
                      ".") &&
           s.wait_for("Entering interactive session.");
  }

  std::string target(const stream_service& s) const {
    return "127.0.0.1:" + std::to_string(s.port());
  }

  // An ssh-agent of the test's own holding the user's key; returns its socket.
  std::filesystem::path start_agent() {
    const auto socket = dir_ / "agent.sock";
    agent_ = std::make_unique<background_process>(
        std::vector<std::string>{"ssh-agent", "-D", "-a", socket.string()});
    EXPECT_TRUE(wait_for_unix_socket(socket));
    const auto added =
        run_process({"ssh-add", (dir_ / "id").string()}, {}, {{"SSH_AUTH_SOCK", socket.string()}});
    EXPECT_EQ(added.exit_code, 0) << added.err;
    return socket;
  }

  // ssh forwarding the agent at `agent`, running `command`. ssh forwards only the agent it
  // uses itself (IdentityAgent=none would turn forwarding off), so it logs in through it too.
  bounded_result ssh_with_agent(const std::filesystem::path& agent, const std::string& command) {
    auto argv = ssh_argv({"-o", "ForwardAgent=yes"});
    for (auto& a : argv) {
      if (a == "IdentityAgent=none") a = "IdentityAgent=" + agent.string();
    }
    argv.push_back(command);
    return run_bounded(argv);
  }

  std::unique_ptr<background_process> agent_;
};

// ---- local forwards --------------------------------------------------------------------------

TEST_F(SshdExampleForwarding, LocalForwardCarriesDataBothWaysAndEof) {
  auto service = stream_service::tcp(echo);
  const auto port = free_port();
  auto tunnel = local_forward(port, target(*service));
  for (int i = 0; i < 3; ++i) {  // several connections through one forward
    auto c = connect_tcp(port);
    ASSERT_TRUE(c.ok());
    const std::string text = "line " + std::to_string(i) + " through ssh -L\n";
    EXPECT_EQ(echo_through(c.get(), text), text) << tunnel->err() << server_->log();
  }
  EXPECT_EQ(service->accepted(), 3);
}

TEST_F(SshdExampleForwarding, LocalForwardToAUnixSocket) {
  const auto path = dir_ / "service.sock";
  auto service = stream_service::unix_socket(path, echo);
  const auto port = free_port();
  auto tunnel = local_forward(port, path.string());  // direct-streamlocal@openssh.com
  auto c = connect_tcp(port);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(echo_through(c.get(), "to a UNIX socket\n"), "to a UNIX socket\n")
      << tunnel->err() << server_->log();
}

TEST_F(SshdExampleForwarding, LargeTransferKeepsItsDigestBothWays) {
  const std::uint64_t total = forward_test_bytes();
  std::mutex m;
  std::string served_digest;
  // One service takes the upload and answers with its digest; the other sends a download.
  auto sink = stream_service::tcp([](int fd) {
    const auto [digest, n] = receive_digest(fd);
    write_all(fd, digest + " " + std::to_string(n) + "\n");
  });
  auto source = stream_service::tcp([&](int fd) {
    auto digest = send_random(fd, total, 2);
    std::lock_guard lock(m);
    served_digest = std::move(digest);
  });
  const auto up_port = free_port(), down_port = free_port();
  auto tunnel =
      local_forward(up_port, target(*sink),
                    {"-L", "127.0.0.1:" + std::to_string(down_port) + ":" + target(*source)});
  const double mib = static_cast<double>(total) / (1024 * 1024);

  auto up = connect_tcp(up_port);
  ASSERT_TRUE(up.ok());
  auto start = clock_type::now();
  const std::string sent = send_random(up.get(), total, 1);
  ::shutdown(up.get(), SHUT_WR);
  const std::string reply = read_all(up.get());
  const std::chrono::duration<double> up_time = clock_type::now() - start;
  ASSERT_FALSE(sent.empty()) << tunnel->err() << server_->log();
  EXPECT_EQ(reply, sent + " " + std::to_string(total) + "\n");

  auto down = connect_tcp(down_port);
  ASSERT_TRUE(down.ok());
  start = clock_type::now();
  const auto [received, count] = receive_digest(down.get());
  const std::chrono::duration<double> down_time = clock_type::now() - start;
  EXPECT_EQ(count, total);
  source.reset();  // joins the sender, so served_digest is final
  EXPECT_EQ(received, served_digest);
  std::cout << "[ forward  ] " << mib << " MiB through ssh -L: up " << up_time.count() << " s ("
            << mib / up_time.count() << " MiB/s), down " << down_time.count() << " s ("
            << mib / down_time.count() << " MiB/s)\n";
}

TEST_F(SshdExampleForwarding, StdioForwardWithW) {
  auto service = stream_service::tcp(echo);
  const auto r = run_bounded(ssh_argv({"-W", target(*service)}), "through ssh -W\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "through ssh -W\n") << r.err << server_->log();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(SshdExampleForwarding, DynamicForwardServesSocks) {
  auto service = stream_service::tcp(http_hello);
  const auto port = free_port();
  auto tunnel = ssh_in_background(
      {"-v", "-o", "ExitOnForwardFailure=yes", "-D", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(wait_until_listening(*tunnel, port)) << tunnel->err();
  const std::string url = "http://" + target(*service) + "/";
  if (program_available("curl")) {
    // socks5h: the name goes to ssh, which opens direct-tcpip to it.
    const auto r = run_bounded({"curl", "-sS", "--max-time", "30", "--socks5-hostname",
                                "127.0.0.1:" + std::to_string(port), url});
    EXPECT_EQ(r.out, "hello from the far end") << r.err << tunnel->err() << server_->log();
    return;
  }
  std::cout << "curl is not installed: speaking SOCKS5 to ssh -D ourselves\n";
  auto c = connect_tcp(port);
  ASSERT_TRUE(c.ok());
  // RFC 1928: no authentication, then CONNECT to a domain name.
  ASSERT_TRUE(write_all(c.get(), std::string("\x05\x01\x00", 3)));
  char reply[10];
  ASSERT_EQ(::recv(c.get(), reply, 2, MSG_WAITALL), 2);
  ASSERT_EQ(std::string(reply, 2), std::string("\x05\x00", 2));
  const std::string host = "127.0.0.1";
  std::string request("\x05\x01\x00\x03", 4);
  request += static_cast<char>(host.size());
  request += host;
  request += static_cast<char>(service->port() >> 8);
  request += static_cast<char>(service->port() & 0xff);
  ASSERT_TRUE(write_all(c.get(), request));
  ASSERT_EQ(::recv(c.get(), reply, 10, MSG_WAITALL), 10);
  EXPECT_EQ(reply[1], 0) << "SOCKS reply code";
  const std::string response = echo_through(c.get(), "GET / HTTP/1.0\r\n\r\n");
  EXPECT_NE(response.find("hello from the far end"), std::string::npos) << response;
}

TEST_F(SshdExampleForwarding, ProxyJumpThroughOneExampleServerToAnother) {
  // The second server: its own directory and host key, the same user key and password.
  temp_dir other;
  write_file(other / "authorized_keys", read_file(dir_ / "authorized_keys"));
  write_file(other / "password", read_file(dir_ / "password"));
  example_server target_server(other, {});
  ASSERT_NE(target_server.port(), 0) << target_server.log();
  const auto target_key = read_file(other / "host_key.pub");
  // ssh runs a second ssh for the jump (ssh -W), which reads only the config file: so the
  // settings are in one, for both.
  write_file(dir_ / "known_hosts", read_file(dir_ / "known_hosts") + "[127.0.0.1]:" +
                                       std::to_string(target_server.port()) + " " + target_key);
  write_file(dir_ / "ssh_config",
             "Host *\n  User " + user_name() + "\n  IdentityFile " + (dir_ / "id").string() +
                 "\n  IdentitiesOnly yes\n  IdentityAgent none\n  BatchMode yes\n"
                 "  StrictHostKeyChecking yes\n  UserKnownHostsFile " +
                 (dir_ / "known_hosts").string() + "\n");
  const auto r =
      run_bounded({"ssh", "-F", (dir_ / "ssh_config").string(), "-J",
                   "127.0.0.1:" + std::to_string(server_->port()), "-p",
                   std::to_string(target_server.port()), "127.0.0.1", "echo jumped-$((6 * 7))"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "jumped-42\n") << r.err << server_->log() << target_server.log();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(target_server.log().find("logged in by publickey"), std::string::npos)
      << target_server.log();
  EXPECT_EQ(target_server.stop(), 0) << target_server.log();
}

// ---- remote forwards -------------------------------------------------------------------------

TEST_F(SshdExampleForwarding, RemoteForwardOnPortZeroReportsThePort) {
  auto service = stream_service::tcp(echo);
  auto tunnel =
      ssh_in_background({"-o", "ExitOnForwardFailure=yes", "-R", "0:" + target(*service)});
  ASSERT_TRUE(tunnel->wait_for("Allocated port ")) << tunnel->err() << server_->log();
  ASSERT_TRUE(tunnel->wait_for(" for remote forward")) << tunnel->err();
  const auto& err = tunnel->err();
  const auto at = err.find("Allocated port ") + std::strlen("Allocated port ");
  const auto port = static_cast<std::uint16_t>(std::stoul(err.substr(at)));
  ASSERT_NE(port, 0);
  for (int i = 0; i < 2; ++i) {
    auto c = connect_tcp(port);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(echo_through(c.get(), "back through ssh -R\n"), "back through ssh -R\n")
        << tunnel->err() << server_->log();
  }
  EXPECT_EQ(service->accepted(), 2);
  // The listener goes with the connection.
  tunnel->stop();
  EXPECT_TRUE(eventually([&] { return !connect_tcp(port).ok(); })) << server_->log();
}

TEST_F(SshdExampleForwarding, RemoteForwardOnAFixedPort) {
  auto service = stream_service::tcp(echo);
  const auto port = free_port();
  auto tunnel = ssh_in_background({"-v", "-o", "ExitOnForwardFailure=yes", "-R",
                                   std::to_string(port) + ":" + target(*service)});
  ASSERT_TRUE(tunnel->wait_for("remote forward success")) << tunnel->err() << server_->log();
  auto c = connect_tcp(port);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(echo_through(c.get(), "fixed port\n"), "fixed port\n") << server_->log();
}

TEST_F(SshdExampleForwarding, CancelledRemoteForwardStopsListening) {
  // ssh cancels forwards only from its escape-command line, so our client asks here.
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  std::optional<std::uint32_t> port;
  c.async_forward_in("localhost", 0, [&](boost::system::error_code ec, std::uint32_t p) {
    EXPECT_FALSE(ec) << ec.message();
    port = ec ? 0 : p;
  });
  ASSERT_TRUE(run_until(io_, [&] { return port.has_value(); }));
  ASSERT_NE(*port, 0u) << server_->log();
  EXPECT_TRUE(connect_tcp(static_cast<std::uint16_t>(*port)).ok());
  std::optional<boost::system::error_code> cancelled;
  c.async_unforward_in("localhost", *port, [&](boost::system::error_code ec) { cancelled = ec; });
  ASSERT_TRUE(run_until(io_, [&] { return cancelled.has_value(); }));
  EXPECT_FALSE(*cancelled) << cancelled->message();
  EXPECT_FALSE(connect_tcp(static_cast<std::uint16_t>(*port)).ok());
  // A forward that does not exist cannot be cancelled.
  cancelled.reset();
  c.async_unforward_in("localhost", *port, [&](boost::system::error_code ec) { cancelled = ec; });
  ASSERT_TRUE(run_until(io_, [&] { return cancelled.has_value(); }));
  EXPECT_TRUE(*cancelled);
  c.end();
}

TEST_F(SshdExampleForwarding, RemoteForwardOfAUnixSocket) {
  auto service = stream_service::tcp(echo);
  const auto path = dir_ / "remote.sock";
  {
    auto tunnel = ssh_in_background(
        {"-v", "-o", "ExitOnForwardFailure=yes", "-R", path.string() + ":" + target(*service)});
    ASSERT_TRUE(tunnel->wait_for("remote forward success")) << tunnel->err() << server_->log();
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto c = connect_unix(path);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(echo_through(c.get(), "via a UNIX socket\n"), "via a UNIX socket\n")
        << server_->log();
  }
  EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(path); }))
      << "the socket outlived its connection";
}

TEST_F(SshdExampleForwarding, StreamlocalBindUnlinkReplacesAStaleSocket) {
  auto service = stream_service::tcp(echo);
  const auto path = dir_ / "stale.sock";
  {
    auto stale = stream_service::unix_socket(path, echo);  // left behind when it goes
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  const std::vector<std::string> forward{"-o", "ExitOnForwardFailure=yes", "-R",
                                         path.string() + ":" + target(*service)};
  const auto refused = ssh(forward, "true");
  EXPECT_EQ(refused.exit_code, 255) << refused.err;
  EXPECT_NE(refused.err.find("remote port forwarding failed"), std::string::npos) << refused.err;

  start({"--streamlocal-bind-unlink"});
  auto tunnel = ssh_in_background(
      {"-v", "-o", "ExitOnForwardFailure=yes", "-R", path.string() + ":" + target(*service)});
  ASSERT_TRUE(tunnel->wait_for("remote forward success")) << tunnel->err() << server_->log();
  auto c = connect_unix(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(echo_through(c.get(), "fresh socket\n"), "fresh socket\n") << server_->log();
}

// ---- agent forwarding ------------------------------------------------------------------------

TEST_F(SshdExampleForwarding, ForwardedAgentListsTheKeyAndGoesWithTheConnection) {
  if (!program_available("ssh-agent") || !program_available("ssh-add")) {
    GTEST_SKIP() << "ssh-agent or ssh-add not installed";
  }
  const auto agent = start_agent();
  const auto r = ssh_with_agent(agent,
                                "ssh-add -l; echo \"sock=$SSH_AUTH_SOCK\"; "
                                "stat -c %a \"$SSH_AUTH_SOCK\" \"${SSH_AUTH_SOCK%/*}\"");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err << server_->log();
  EXPECT_NE(r.out.find(user_key_->fingerprint_sha256()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n600\n700\n"), std::string::npos) << r.out;
  const auto at = r.out.find("sock=");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::filesystem::path socket = r.out.substr(at + 5, r.out.find('\n', at) - at - 5);
  EXPECT_EQ(socket.string().rfind("/tmp/sshlib-sshd-", 0), 0u) << socket;
  EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(socket.parent_path()); }))
      << socket << " outlived its connection";
}

// ---- refusals --------------------------------------------------------------------------------

TEST_F(SshdExampleForwarding, ConnectFailureCarriesTheReason) {
  const auto closed = free_port();
  const auto r = run_bounded(ssh_argv({"-W", "127.0.0.1:" + std::to_string(closed)}));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("connect failed: cannot connect to 127.0.0.1:" + std::to_string(closed)),
            std::string::npos)
      << r.err;
}

TEST_F(SshdExampleForwarding, NoTcpForwardingRefusesWithTheReason) {
  start({"--no-tcp-forwarding"});
  auto service = stream_service::tcp(echo);
  const std::string reason = "TCP forwarding is disabled on this server";

  // -L: ssh listens, but the connection it forwards is refused, with the reason.
  const auto port = free_port();
  auto tunnel = local_forward(port, target(*service));
  auto c = connect_tcp(port);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(read_all(c.get()), "");  // closed without data
  EXPECT_TRUE(tunnel->wait_for("administratively prohibited: " + reason)) << tunnel->err();
  EXPECT_EQ(service->accepted(), 0);

  // -W with ExitOnForwardFailure: ssh gives up, saying why.
  const auto w = run_bounded(ssh_argv({"-o", "ExitOnForwardFailure=yes", "-W", target(*service)}));
  EXPECT_EQ(w.exit_code, 255);
  EXPECT_NE(w.err.find(reason), std::string::npos) << w.err;

  // -R: a global request has no reason field; ssh fails, the server log says why.
  const auto r = ssh({"-o", "ExitOnForwardFailure=yes", "-R", "0:" + target(*service)}, "true");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("remote port forwarding failed"), std::string::npos) << r.err;
  EXPECT_NE(server_->log().find("refused: TCP forwarding is disabled"), std::string::npos)
      << server_->log();
}

TEST_F(SshdExampleForwarding, NoStreamlocalForwardingRefuses) {
  start({"--no-streamlocal-forwarding"});
  auto service = stream_service::tcp(echo);
  const auto r = ssh({"-o", "ExitOnForwardFailure=yes", "-R",
                      (dir_ / "refused.sock").string() + ":" + target(*service)},
                     "true");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("remote port forwarding failed"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "refused.sock"));
  // -L to a path (direct-streamlocal@openssh.com): refused with the reason.
  const auto path = dir_ / "service.sock";
  auto unix_service = stream_service::unix_socket(path, echo);
  const auto port = free_port();
  auto tunnel = local_forward(port, path.string());
  auto c = connect_tcp(port);
  ASSERT_TRUE(c.ok()) << tunnel->err();
  EXPECT_EQ(read_all(c.get()), "");
  EXPECT_TRUE(tunnel->wait_for("administratively prohibited: UNIX-socket forwarding is disabled"))
      << tunnel->err();
  EXPECT_EQ(unix_service->accepted(), 0);
}

TEST_F(SshdExampleForwarding, NoAgentForwardingLeavesNoSocket) {
  if (!program_available("ssh-agent") || !program_available("ssh-add")) {
    GTEST_SKIP() << "ssh-agent or ssh-add not installed";
  }
  start({"--no-agent-forwarding"});
  const auto agent = start_agent();
  const auto r = ssh_with_agent(agent, "echo \"[$SSH_AUTH_SOCK]\"");
  EXPECT_EQ(r.out, "[]\n") << r.err;
  EXPECT_NE(server_->log().find("agent forwarding refused: agent forwarding is disabled"),
            std::string::npos)
      << server_->log();
}

}  // namespace
}  // namespace sshlib::test
