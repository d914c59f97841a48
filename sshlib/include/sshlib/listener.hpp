// listener: the seed's Server as an Asio object: accepts TCP connections on one executor,
// runs each one's handshake and authentication, and hands the application every connection
// that authenticated (the seed's `connection` + `ready`). It bounds what unauthenticated
// clients can hold — the pre-authentication resources an attacker controls — like
// OpenSSH's MaxStartups and PerSourceMaxStartups, and the total number of connections.
//
// Threading: a listener and its connections live on its executor. For several threads, make
// one listener per thread (each on its own io_context) with `reuse_port`: the kernel spreads
// connections over them, and each connection stays on its thread for life.
#pragma once

#include <sshlib/result.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <memory>

namespace sshlib {

struct listener_limits {
  /// Connections open at once, authenticated or not; more are closed at accept.
  std::size_t max_connections = 1000;
  /// Connections still in handshake or authentication at once (OpenSSH's MaxStartups);
  /// more are closed at accept, before a byte is read.
  std::size_t max_unauthenticated = 64;
  /// Of those, from one source address (PerSourceMaxStartups).
  std::size_t max_unauthenticated_per_source = 10;
};

/// Why a connection ended before the application got it, for logs and metrics.
struct rejected_connection {
  boost::asio::ip::tcp::endpoint peer;
  /// "connection limit", "unauthenticated limit", "per-source unauthenticated limit", or the
  /// handshake's error message.
  std::string reason;
  boost::system::error_code ec;
};

class listener_state;

class listener {
public:
  using executor_type = boost::asio::any_io_executor;
  /// An authenticated connection, with the client's address. The listener keeps no pointer
  /// to it: the application's keep it open, and dropping the last one ends it.
  using connection_handler =
      std::function<void(std::shared_ptr<server_connection>, const boost::asio::ip::tcp::endpoint& peer)>;

  listener(executor_type executor, server_config config, listener_limits limits = {});
  /// close().
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Adjusts, for one accepted client, a copy of the listener's server_config before its
  /// handshake starts: callbacks that must know the client's address (authentication by
  /// source network, per-connection state) are set here.
  using configure_handler = std::function<void(server_config&, const boost::asio::ip::tcp::endpoint& peer)>;

  /// Called for each authenticated connection. Set before listen().
  void on_connection(connection_handler handler);
  /// Called for each accepted connection that passed the limits, before its handshake.
  /// Set before listen().
  void on_accept(configure_handler handler);
  /// Called for each connection dropped by a limit or failing its handshake.
  void on_rejected(std::function<void(const rejected_connection&)> handler);

  /// Binds and starts accepting (the seed's listen). `reuse_port` sets SO_REUSEPORT so that
  /// several listeners (one per thread) can share the port. Errors: the bind's.
  result<void> listen(const boost::asio::ip::tcp::endpoint& endpoint, bool reuse_port = false);
  /// Stops accepting; open connections are left alone (end them through their handles).
  void close();
  /// The bound address (the seed's address()); port 0 in listen() resolved.
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  /// Connections open now, authenticated or not (the seed's getConnections).
  std::size_t connection_count() const noexcept;
  std::size_t unauthenticated_count() const noexcept;

private:
  std::shared_ptr<listener_state> state_;
};

}  // namespace sshlib
