// Our server on a loopback port (port 0), run on its own thread, recording the outcome of
// each connection's handshake and authentication; used by tests that drive it with
// OpenSSH's client or with hostile byte streams.
#pragma once

#include <sshlib/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace sshlib::test {

namespace asio = boost::asio;
using asio::ip::tcp;

struct server_outcome {
  boost::system::error_code ec;
  std::string detail;
  std::string username;
  std::vector<std::string> methods;
  std::optional<negotiated_algorithms> negotiated;
  std::optional<std::string> auth_key_fingerprint;
};

// Our server on a loopback port, on its own thread; records the outcome of each connection.
class test_server {
public:
  /// With end_after_auth, each connection is ended once authentication completes (enough
  /// for transport and auth tests); otherwise it stays open for channels.
  explicit test_server(server_config config, bool end_after_auth = true)
      : config_(std::move(config)), end_after_auth_(end_after_auth),
        acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~test_server() {
    io_.stop();
    thread_.join();
    live_.clear();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  /// The next connection's outcome (waits up to 30 s).
  std::optional<server_outcome> next_outcome() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, std::chrono::seconds(30), [&] { return !outcomes_.empty(); })) return std::nullopt;
    auto o = std::move(outcomes_.front());
    outcomes_.pop_front();
    return o;
  }

private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto conn = std::make_shared<server_connection>(make_byte_stream(std::move(socket)), config_);
      conn->async_handshake([this, conn](boost::system::error_code hec) {
        server_outcome o;
        o.ec = hec;
        if (auto e = conn->last_error()) o.detail = e->message();
        o.username = conn->username();
        o.methods = conn->auth_methods_used();
        o.negotiated = conn->negotiated();
        if (conn->auth_key()) o.auth_key_fingerprint = conn->auth_key()->fingerprint_sha256();
        if (end_after_auth_ || hec) {
          conn->end();
        } else {
          live_.push_back(conn);
        }
        {
          std::lock_guard lock(mutex_);
          outcomes_.push_back(std::move(o));
        }
        cv_.notify_all();
      });
      accept();
    });
  }

  server_config config_;
  bool end_after_auth_;
  std::vector<std::shared_ptr<server_connection>> live_;  // touched only on the server thread
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<server_outcome> outcomes_;
};

}  // namespace sshlib::test
