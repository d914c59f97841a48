// Shared by the tests of the ssh2 README examples (sshlib/examples/example-*.cpp): each test
// runs an example program as a child process against Debian's sshd listening on a loopback
// port, with a user key on disk that sshd accepts, and loopback servers of its own (an
// HTTP responder, a stand-in X server) on threads of their own. Every wait is bounded.
#pragma once

#include "support/child_process.hpp"
#include "support/listening_sshd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sshlib::test {

#ifdef SSHLIB_EXAMPLES_DIR
inline const std::string examples_dir = SSHLIB_EXAMPLES_DIR;
#else
inline const std::string examples_dir;
#endif

/// How long an example may take before the test kills it (generous: sanitizers, 2 cores).
constexpr auto example_timeout = std::chrono::seconds(60);

inline std::string example_path(const std::string& name) {
  return examples_dir + "/" + name;
}

/// A listening sshd and a user key file it accepts; the first four arguments of every
/// example (HOST PORT USER KEYFILE) point at them.
class ExampleTest : public ::testing::Test {
 protected:
  /// Lines for sshd_config; tests that need more override it.
  virtual std::vector<std::string> sshd_config() const { return {}; }

  void SetUp() override {
    if (auto why = listening_sshd::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    if (examples_dir.empty())
      GTEST_SKIP() << "SSHLIB_EXAMPLES_DIR not defined: the examples were not built";
    sshd_ = std::make_unique<listening_sshd>(sshd_config());
    key_file_ = (sshd_->server().dir() / "id_ed25519").string();
    const auto r = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_file_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    sshd_->server().authorize(read_file(key_file_ + ".pub"));
  }

  /// example NAME with HOST PORT USER KEYFILE, then `more`.
  std::vector<std::string> example(const std::string& name,
                                   const std::vector<std::string>& more = {}) const {
    std::vector<std::string> argv{example_path(name), "127.0.0.1", std::to_string(sshd_->port()),
                                  sshd_server::user(), key_file_};
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  }

  /// What to print when an assertion about an example fails.
  std::string details(const child_result& r) const {
    return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") +
           "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err + "\n--- sshd log:\n" +
           sshd_->log();
  }

  std::unique_ptr<listening_sshd> sshd_;
  std::string key_file_;
};

/// Accepts connections on `where` on a thread of its own (one io_context, one thread) and
/// runs `serve` on each. Stopped and joined by the destructor.
template <class Protocol>
class listener_thread {
 public:
  using socket_type = typename Protocol::socket;
  using serve_fn = std::function<boost::asio::awaitable<void>(socket_type)>;

  listener_thread(typename Protocol::endpoint where, serve_fn serve) : acceptor_(io_, where) {
    boost::asio::co_spawn(io_, accept_loop(std::move(serve)), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~listener_thread() {
    io_.stop();
    thread_.join();
  }
  listener_thread(const listener_thread&) = delete;
  listener_thread& operator=(const listener_thread&) = delete;

  typename Protocol::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  boost::asio::awaitable<void> accept_loop(serve_fn serve) {
    for (;;) {
      socket_type s = co_await acceptor_.async_accept(boost::asio::use_awaitable);
      boost::asio::co_spawn(io_, serve(std::move(s)), boost::asio::detached);
    }
  }

  boost::asio::io_context io_;
  typename Protocol::acceptor acceptor_;
  std::thread thread_;
};

/// Reads one HTTP request head (at most 16 KiB) from `s`, gives it to `on_head` before
/// answering (so whoever reads the answer can rely on the head being recorded), answers
/// 200 with `body` and Connection: close. Returns the head.
template <class Stream>
boost::asio::awaitable<std::string> answer_http(Stream& s, const std::string& body,
                                                const std::function<void(const std::string&)>& on_head = {}) {
  boost::asio::streambuf in(16 * 1024);
  const std::size_t n =
      co_await boost::asio::async_read_until(s, in, "\r\n\r\n", boost::asio::use_awaitable);
  std::string head(boost::asio::buffers_begin(in.data()),
                   boost::asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
  if (on_head) on_head(head);
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  co_await boost::asio::async_write(s, boost::asio::buffer(response), boost::asio::use_awaitable);
  co_return head;
}

/// A tiny HTTP server on a loopback address that records each request head it answers.
class http_responder {
 public:
  explicit http_responder(std::string body, const boost::asio::ip::address& address =
                                                boost::asio::ip::address_v4::loopback())
      : body_(std::move(body)), listener_({address, 0}, [this](boost::asio::ip::tcp::socket s) {
          return serve(std::move(s));
        }) {}

  std::uint16_t port() const { return listener_.local_endpoint().port(); }
  const std::string& body() const noexcept { return body_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket s) {
    co_await answer_http(s, body_, [this](const std::string& head) {
      std::lock_guard lock(mutex_);
      requests_.push_back(head);
    });
    boost::system::error_code ignored;
    s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  }

  std::string body_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  listener_thread<boost::asio::ip::tcp> listener_;  // last: stopped before the rest goes
};

/// Connects to 127.0.0.1:port, sends `request`, half-closes, and returns everything read
/// until the peer closes (or `timeout` passes: then what arrived so far).
inline std::string tcp_exchange(std::uint16_t port, const std::string& request,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string got;
  if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    ::shutdown(fd, SHUT_WR);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }
  if (fd >= 0) ::close(fd);
  return got;
}

/// The number after `prefix` in `text` (a port an example printed), or 0.
inline std::uint16_t number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::strtoul(text.c_str() + at + prefix.size(), nullptr, 10));
}

}  // namespace sshlib::test
