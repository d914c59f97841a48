// sshlib-sshd's forwarding, one `forwarding` object per connection: local TCP and UNIX-socket
// forwards (direct-tcpip, direct-streamlocal@openssh.com channel opens), remote ones
// (tcpip-forward, streamlocal-forward@openssh.com global requests and their cancels), and
// agent forwarding (a private UNIX socket whose connections become auth-agent@openssh.com
// channels). Every forwarded connection is an sshlib::relay between a channel and a socket.
//
// Threading: everything runs on the connection's worker io_context; nothing here locks.
// Lifetime: the server keeps the object while the connection lives and calls close() when
// it ends; close() stops every listener and relay, removes the sockets this object created
// (and the agent socket's directory). Completion handlers hold only weak references, so a
// forwarding object never keeps itself alive.
#pragma once

#include <sshlib/relay.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sshd {

/// Listening forwards one connection may hold at once (tcpip-forward and
/// streamlocal-forward@openssh.com together; the agent socket is not counted).
constexpr std::size_t max_forward_listeners = 64;
/// Forwarded connections one connection may carry at once, of every kind (local, remote,
/// UNIX-socket, agent), counting those still connecting or waiting for the client.
constexpr std::size_t max_forwarded_connections = 256;

struct forwarding_settings {
  bool tcp = true;          // direct-tcpip and tcpip-forward (--no-tcp-forwarding)
  bool streamlocal = true;  // the streamlocal pair (--no-streamlocal-forwarding)
  bool agent = true;        // auth-agent-req@openssh.com (--no-agent-forwarding)
  /// Remote forwards bind the address the client asks for (sshd's GatewayPorts
  /// clientspecified); otherwise always loopback (GatewayPorts no).
  bool gateway_ports = false;
  /// An existing socket at a streamlocal-forward path is removed first (StreamLocalBindUnlink).
  bool streamlocal_bind_unlink = false;
  bool verbose = false;
};

using log_function = std::function<void(const std::string&)>;

class forwarding : public std::enable_shared_from_this<forwarding> {
 public:
  /// `peer` prefixes log lines; `log` writes one line.
  forwarding(boost::asio::io_context& io, forwarding_settings settings, std::string peer,
             log_function log);
  ~forwarding();
  forwarding(const forwarding&) = delete;
  forwarding& operator=(const forwarding&) = delete;

  /// The connection that remote forwards and the agent open their channels on. Held weakly.
  void attach(std::weak_ptr<sshlib::server_connection> connection);

  /// Handles direct-tcpip and direct-streamlocal@openssh.com opens; returns false (leaving
  /// `in` untouched) for every other channel type.
  bool on_channel_open(sshlib::incoming_channel& in);
  /// tcpip-forward, streamlocal-forward@openssh.com and their cancels; refuses the rest.
  void on_global_request(sshlib::global_request req);
  /// The agent socket for a session's SSH_AUTH_SOCK (made on the first call, shared by the
  /// connection's sessions), or nullopt with `why` set.
  std::optional<std::string> agent_socket(std::string& why);

  /// Stops every listener and relay and removes the sockets we made. Idempotent.
  void close() noexcept;

 private:
  using tcp = boost::asio::ip::tcp;
  using unix_socket = boost::asio::local::stream_protocol;
  struct tcp_listener;
  struct unix_listener;

  bool admit() const;
  std::size_t listener_count() const;
  void say(const std::string& line) const;

  void open_direct_tcp(sshlib::incoming_channel in);
  void open_direct_streamlocal(sshlib::incoming_channel in);
  boost::asio::awaitable<void> connect_tcp(std::shared_ptr<forwarding> self,
                                           sshlib::incoming_channel in);
  boost::asio::awaitable<void> connect_unix(std::shared_ptr<forwarding> self,
                                            sshlib::incoming_channel in);

  boost::asio::awaitable<void> listen_tcp(std::shared_ptr<forwarding> self,
                                          sshlib::global_request req);
  boost::asio::awaitable<std::vector<boost::asio::ip::address>> bind_addresses(
      const std::string& requested, std::string& why);
  void cancel_tcp(sshlib::global_request req);
  void listen_streamlocal(sshlib::global_request req);
  void cancel_streamlocal(sshlib::global_request req);

  void forward_tcp_connection(tcp::socket socket, const std::string& address, std::uint32_t port);
  void forward_unix_connection(unix_socket::socket socket, const std::string& path);
  void forward_agent_connection(unix_socket::socket socket);
  /// The completion for a channel open: relays `local` to the channel once it is open.
  auto when_open(std::unique_ptr<sshlib::byte_stream> local, std::string what);
  void start_relay(sshlib::channel ch, std::unique_ptr<sshlib::byte_stream> local,
                   std::string what);

  boost::asio::io_context& io_;
  forwarding_settings settings_;
  std::string peer_;
  log_function log_;
  std::weak_ptr<sshlib::server_connection> connection_;
  std::vector<std::shared_ptr<tcp_listener>> tcp_listeners_;
  std::vector<std::shared_ptr<unix_listener>> unix_listeners_;
  std::shared_ptr<unix_listener> agent_;
  std::map<std::uint64_t, sshlib::relay> relays_;
  std::uint64_t next_relay_ = 0;
  std::size_t pending_ = 0;          // connections being made or waiting for the client's answer
  std::size_t listens_pending_ = 0;  // tcpip-forward requests still binding
  bool closed_ = false;
};

}  // namespace sshd
