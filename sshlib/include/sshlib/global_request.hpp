// Global requests (RFC 4254 section 4) the peer sends us: on a server, the client's port
// and UNIX-socket forwarding requests (the seed's Connection `request` event: tcpip-forward,
// cancel-tcpip-forward, streamlocal-forward@openssh.com, cancel-streamlocal-forward@openssh.com)
// and any other name. keepalive@openssh.com, no-more-sessions@openssh.com and the hostkeys
// requests are handled by the library and never reach the application.
//
// Replies go out in the order the requests arrived (RFC 4254 section 4), however late the
// application answers: a request answered early waits for the ones before it.
#pragma once

#include <sshlib/bytes.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sshlib {

namespace connection {
struct global_reply_slot;
}

/// One global request. Answer with accept() or reject(), now or later; destroying it (and
/// every copy) unanswered rejects it. Copies share the request.
class global_request {
public:
  /// "tcpip-forward", "cancel-tcpip-forward", "streamlocal-forward@openssh.com", ...
  const std::string& name() const noexcept { return name_; }
  bool want_reply() const noexcept { return want_reply_; }
  /// The request's type-specific bytes as sent.
  const bytes& data() const noexcept { return data_; }
  /// tcpip-forward and cancel-tcpip-forward: the address and port to listen on ("" and
  /// "0.0.0.0" mean every IPv4 address, "::" every IPv6 one, "localhost" loopback; port 0
  /// means the server picks one and reports it with accept(port)).
  const std::string& bind_address() const noexcept { return bind_address_; }
  std::uint32_t bind_port() const noexcept { return bind_port_; }
  /// streamlocal-forward@openssh.com and its cancel: the socket path to listen on.
  const std::string& socket_path() const noexcept { return socket_path_; }

  /// Succeeds. For tcpip-forward asked with port 0, pass the port now listening: the reply
  /// carries it (RFC 4254 section 7.1).
  void accept(std::optional<std::uint32_t> bound_port = std::nullopt);
  /// Succeeds with arbitrary reply data (requests other than the forwarding ones).
  void accept_with_data(bytes reply_data);
  void reject();

  global_request(std::string name, bool want_reply, bytes data, std::shared_ptr<connection::global_reply_slot> slot);

  std::string bind_address_;
  std::uint32_t bind_port_ = 0;
  std::string socket_path_;

private:
  std::string name_;
  bool want_reply_;
  bytes data_;
  std::shared_ptr<connection::global_reply_slot> slot_;
};

}  // namespace sshlib
