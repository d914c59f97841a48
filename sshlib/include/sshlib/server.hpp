// The server side of an SSH connection (the seed's Server and its per-client Connection):
// version and key exchange with our host keys, then user authentication decided by the
// application through auth_request (the seed's `authentication` event and its ctx).
// Channels and sessions build on it in the connection layer.
//
// Threading: a server_connection belongs to its stream's executor; call it from there.
#pragma once

#include <sshlib/algorithms.hpp>
#include <sshlib/bytes.hpp>
#include <sshlib/channel.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/error.hpp>
#include <sshlib/global_request.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/async_result.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sshlib {

/// The client's identification (the seed's `info.header` of the `connection` event).
struct client_identification {
  std::string raw;       // identRaw
  std::string protocol;  // "2.0"
  std::string software;  // "OpenSSH_9.2p1"
  std::string comments;
};

/// One keyboard-interactive prompt sent to the client.
struct server_prompt {
  std::string prompt;
  bool echo = false;
};

class auth_request_state;

/// One authentication attempt (the seed's ctx). Exactly one of accept(), reject() or, for
/// keyboard-interactive, prompt() must be called (now or later); destroying it unanswered
/// rejects. Copies share the same attempt.
class auth_request {
public:
  enum class method_kind { none, password, publickey, keyboard_interactive, hostbased };

  const std::string& username() const noexcept;
  const std::string& service() const noexcept;
  /// "none", "password", "publickey", "keyboard-interactive", "hostbased".
  const std::string& method() const noexcept;
  method_kind kind() const noexcept;

  /// password: the password (and for a change request, the new one: the seed's
  /// requestChange flow is answered with reject() or accept()).
  const secret_string& password() const noexcept;
  const std::optional<secret_string>& new_password() const noexcept;

  /// publickey and hostbased: the key offered. For publickey, has_signature() says whether
  /// this is the final attempt; the library has already verified that signature over the
  /// session, so accepting means "this key may log in". Without a signature, accept() only
  /// answers PK_OK (the client may then sign); it never authenticates.
  const std::optional<key>& public_key() const noexcept;
  const std::string& key_algorithm() const noexcept;
  bool has_signature() const noexcept;
  /// hostbased: the client host and user names it claims (signature verified by the library).
  const std::string& client_host() const noexcept;
  const std::string& client_user() const noexcept;
  /// keyboard-interactive: the submethods the client asked for.
  const std::string& submethods() const noexcept;

  /// Accepts this attempt.
  void accept();
  /// Rejects it. `methods_left` defaults to the server's configured methods; with
  /// `partial_success` the attempt counts as one factor of a multi-factor login.
  void reject(std::vector<std::string> methods_left = {}, bool partial_success = false);
  /// keyboard-interactive: asks the client; `answers` receives one reply per prompt (or an
  /// empty vector if the client went away), then call accept/reject/prompt again.
  void prompt(std::vector<server_prompt> prompts, std::string title, std::string instructions,
              std::function<void(std::vector<secret_string>)> answers);

  /// password: refuses this password but asks the client for a new one (RFC 4252 section 8,
  /// SSH_MSG_USERAUTH_PASSWD_CHANGEREQ); the client's next request carries new_password().
  void require_password_change(std::string prompt);

  explicit auth_request(std::shared_ptr<auth_request_state> s) : s_(std::move(s)) {}

private:
  std::shared_ptr<auth_request_state> s_;
};

struct server_config {
  /// Private host keys (and host certificates with their private keys). Required.
  std::vector<key> host_keys;
  algorithm_preferences algorithms = algorithm_preferences::defaults();
  /// Software version of our identification line (the seed's `ident`).
  std::string ident = "sshlib_0.1";
  /// Text sent before the identification (the seed's `greeting`).
  std::string greeting;
  /// USERAUTH_BANNER text sent before the first authentication reply (the seed's `banner`).
  std::string banner;
  /// Methods listed in USERAUTH_FAILURE unless reject() names others.
  std::vector<std::string> auth_methods = {"publickey", "password", "keyboard-interactive"};
  /// Failed attempts (not counting "none") before we disconnect.
  unsigned max_auth_attempts = 6;
  /// Time from accept to authenticated before we disconnect (OpenSSH's LoginGraceTime).
  std::chrono::milliseconds login_grace_time{120000};
  /// Every failure is answered no sooner than this after its request arrived, so that the
  /// time to a rejection does not tell which check failed.
  std::chrono::milliseconds failure_delay{20};
  /// Channels the client opens once authenticated (the seed's `session` and `tcpip`
  /// events). Unset: every open is refused. For a session, accept() and then register
  /// channel::on_request to answer pty-req, env, shell, exec, subsystem, ...
  std::function<void(incoming_channel)> channel_open;
  /// Global requests from the client once authenticated (the seed's `request` event):
  /// tcpip-forward and streamlocal-forward@openssh.com and their cancels, decoded, and any
  /// other name. Unset: every one is refused.
  std::function<void(global_request)> global_request;
  /// The seed's `authentication` event. Unset: every attempt is rejected.
  std::function<void(auth_request)> authentication;
  std::function<void(std::string_view)> debug;
  std::function<void(const negotiated_algorithms&, bool initial)> handshake;
  bool strict_kex = true;
  /// After authentication, list our host keys to the client (hostkeys-00@openssh.com) so it
  /// can learn new ones (ssh's UpdateHostKeys); proof requests are answered either way.
  bool announce_host_keys = true;
  /// keepalive@openssh.com to the client every interval once authenticated (OpenSSH's
  /// ClientAliveInterval); zero: off. That many unanswered ones end the connection with
  /// errc::timeout (ClientAliveCountMax), so a vanished client does not hold resources.
  std::chrono::milliseconds keepalive_interval{0};
  unsigned keepalive_count_max = 3;
  std::uint64_t rekey_bytes = std::uint64_t{1} << 30;
};

class server_connection_impl;

class server_connection {
public:
  using executor_type = boost::asio::any_io_executor;

  /// Takes over an accepted stream.
  server_connection(std::unique_ptr<byte_stream> stream, server_config config);
  ~server_connection();
  server_connection(server_connection&&) noexcept;
  server_connection& operator=(server_connection&&) noexcept;

  executor_type get_executor() const noexcept;

  /// Runs the handshake and authentication. Completion: void(boost::system::error_code);
  /// success means a user is authenticated (username()). Errors: timeout (login grace),
  /// authentication_failed (too many attempts, or the client gave up), connection_lost,
  /// invalid_version_line, no_common_algorithm, protocol_error, strict_kex_violation,
  /// disconnected_by_peer. last_error() has details.
  template <class Token>
  auto async_handshake(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          do_handshake(detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token);
  }

  const std::string& username() const noexcept;
  std::optional<client_identification> client_ident() const;
  std::optional<negotiated_algorithms> negotiated() const;
  std::optional<sshlib::error> last_error() const;
  /// The methods that authenticated the user, in order (e.g. publickey, keyboard-interactive).
  const std::vector<std::string>& auth_methods_used() const noexcept;
  /// The key that authenticated the user, if publickey did (the one whose signature
  /// verified, never merely one offered).
  const std::optional<key>& auth_key() const noexcept;

  /// Opens a channel to the client once authenticated. Completion: void(error_code, channel).
  /// Errors: channel_open_failed (the client refused), connection_closed, too_many_channels.
  template <class Token>
  auto async_open_channel(std::string type, bytes data, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, channel)>(
        [this](auto handler, std::string t, bytes d) {
          do_open_channel(std::move(t), std::move(d),
                          detail::erase_handler<boost::system::error_code, channel>(std::move(handler), get_executor()));
        },
        token, std::move(type), std::move(data));
  }
  /// A forwarded-tcpip channel: a connection arrived on the forward the client asked for at
  /// bind_address:bind_port (the seed's forwardOut). Pass the address as the client sent it
  /// and the port actually bound.
  template <class Token>
  auto async_forward_out(std::string bind_address, std::uint32_t bind_port, std::string origin_address,
                         std::uint32_t origin_port, Token&& token) {
    return async_open_channel("forwarded-tcpip", tcpip_open_data(bind_address, bind_port, origin_address, origin_port),
                              std::forward<Token>(token));
  }
  /// A forwarded-streamlocal@openssh.com channel for a streamlocal forward of the client
  /// (the seed's openssh_forwardOutStreamLocal).
  template <class Token>
  auto async_forward_out_streamlocal(std::string socket_path, Token&& token) {
    return async_open_channel("forwarded-streamlocal@openssh.com", streamlocal_open_data(socket_path),
                              std::forward<Token>(token));
  }
  /// An x11 channel for a session that asked for X11 forwarding (the seed's x11()).
  template <class Token>
  auto async_open_x11(std::string origin_address, std::uint32_t origin_port, Token&& token) {
    return async_open_channel("x11", tcpip_open_data(origin_address, origin_port, {}, 0, true),
                              std::forward<Token>(token));
  }
  /// An auth-agent@openssh.com channel to the client's agent, for a session that sent
  /// auth-agent-req@openssh.com. Speak the agent protocol over it (openssh_agent works on
  /// any stream; the seed cannot do this: its issues #792 and #1374).
  template <class Token>
  auto async_open_agent(Token&& token) {
    return async_open_channel("auth-agent@openssh.com", {}, std::forward<Token>(token));
  }
  /// Completes when the connection has ended, with why: operation_aborted after end(),
  /// disconnected_by_peer (the client's DISCONNECT), connection_lost, timeout (keepalives),
  /// protocol_error, ... (last_error() has the detail). Completion: void(error_code).
  template <class Token>
  auto async_wait_closed(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          do_wait_closed(detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token);
  }

  void rekey();
  /// Sends DISCONNECT and closes (the seed's end()).
  void end();

  server_connection_impl& impl() noexcept { return *impl_; }

private:
  static bytes tcpip_open_data(std::string_view host, std::uint32_t port, std::string_view origin_host,
                               std::uint32_t origin_port, bool x11 = false);
  static bytes streamlocal_open_data(std::string_view path);
  void do_open_channel(std::string type, bytes data, detail::completion<boost::system::error_code, channel> done);
  void do_wait_closed(detail::completion<boost::system::error_code> done);
  void do_handshake(detail::completion<boost::system::error_code> done);
  std::shared_ptr<server_connection_impl> impl_;
};

}  // namespace sshlib
