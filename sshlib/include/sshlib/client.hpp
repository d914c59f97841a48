// sshlib::client: the client side of an SSH connection (the seed's Client). This issue's
// part: connect over any stream or to host:port, verify the host key, authenticate, and end.
// Channels (exec, shell, forwarding, sftp) build on it in the connection layer.
//
// Threading: a client and its operations belong to the executor given at construction;
// call its members from that executor (like an Asio socket). Completion handlers run on
// their associated executor.
#pragma once

#include <sshlib/agent.hpp>
#include <sshlib/algorithms.hpp>
#include <sshlib/bytes.hpp>
#include <sshlib/channel.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/error.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

/// What the host verifier decides on (the seed's hostVerifier argument, with hostHash's
/// fingerprint precomputed).
struct host_key_info {
  key host_key;                    // the server's host key (a certificate for *-cert algorithms)
  std::string algorithm;           // negotiated host-key algorithm
  std::string fingerprint_sha256;  // "SHA256:..." as ssh-keygen prints it
  std::string host;                // as given to async_connect (empty for a bare stream)
  std::uint16_t port = 0;
};

/// One prompt of a keyboard-interactive round (RFC 4256 section 3.2).
struct keyboard_prompt {
  std::string prompt;
  bool echo = false;
};

struct keyboard_interactive_request {
  std::string name;
  std::string instructions;
  std::string language;
  std::vector<keyboard_prompt> prompts;
};

/// Host-based authentication (RFC 4252 section 9): the local host's private key and the
/// names the server checks (the seed's localHostname / localUsername).
struct hostbased_identity {
  key host_key;
  std::string local_hostname;
  std::string local_username;
};

using keyboard_interactive_handler =
    std::function<void(const keyboard_interactive_request&, detail::unique_function<void(std::vector<secret_string>)>)>;

/// One authentication attempt chosen by a client_config::auth_handler (the seed's
/// authHandler objects). Build with the named constructors; `username` empty means
/// client_config::username (RFC 4252 allows another name per attempt; OpenSSH servers
/// disconnect when the name changes).
struct auth_method {
  enum class kind { none, password, publickey, agent, keyboard_interactive, hostbased };

  kind type = kind::none;
  std::string username;
  std::optional<secret_string> password;           // password (and kbd-interactive fallback answers)
  std::optional<key> private_key;                  // publickey
  std::shared_ptr<sshlib::agent> agent;            // agent: each identity is tried in turn
  std::optional<hostbased_identity> hostbased;     // hostbased
  keyboard_interactive_handler keyboard_interactive;  // empty: client_config's

  static auth_method none() { return auth_method{}; }
  static auth_method with_password(secret_string p) {
    auth_method m;
    m.type = kind::password;
    m.password = std::move(p);
    return m;
  }
  static auth_method with_key(key private_key) {
    auth_method m;
    m.type = kind::publickey;
    m.private_key = std::move(private_key);
    return m;
  }
  static auth_method with_agent(std::shared_ptr<sshlib::agent> a) {
    auth_method m;
    m.type = kind::agent;
    m.agent = std::move(a);
    return m;
  }
  static auth_method with_keyboard_interactive(keyboard_interactive_handler h = {}) {
    auth_method m;
    m.type = kind::keyboard_interactive;
    m.keyboard_interactive = std::move(h);
    return m;
  }
  static auth_method with_hostbased(hostbased_identity h) {
    auth_method m;
    m.type = kind::hostbased;
    m.hostbased = std::move(h);
    return m;
  }
};

/// The SSH method name of an auth_method kind ("publickey" for agent).
std::string_view method_name(auth_method::kind k) noexcept;

/// What an auth_handler is told before each attempt (the seed's authHandler arguments).
struct auth_progress {
  /// True before the first attempt: nothing has been sent yet and methods_left is empty
  /// (the seed passes methodsLeft = null).
  bool first = true;
  /// The methods the server said can continue, from its last USERAUTH_FAILURE.
  std::vector<std::string> methods_left;
  /// The last attempt succeeded as one factor of several (RFC 4252 partial success).
  bool partial_success = false;
};

/// Chooses the next method: call the completion with one, now or later, or with nullopt to
/// give up (authentication then fails with errc::authentication_failed).
using auth_handler_fn =
    std::function<void(const auth_progress&, detail::unique_function<void(std::optional<auth_method>)>)>;

/// An auth_handler that tries `methods` in order (the seed's authHandler array), skipping
/// those the server no longer lists in methods_left ("none" is always sent when listed
/// first).
auth_handler_fn auth_sequence(std::vector<auth_method> methods);

/// The seed's Client config. Every member has the seed's default.
struct client_config {
  std::string username;
  /// Password authentication (and the answer to keyboard-interactive password prompts when
  /// no keyboard_interactive handler is set).
  std::optional<secret_string> password;
  /// Public-key authentication with a parsed private key (or certificate with private key).
  std::optional<key> private_key;
  /// The server asked for a new password (RFC 4252 section 8; the seed's `change password`
  /// event): call the completion with the new password, or nullopt to give up on password
  /// authentication. Unset: a change request counts as a failure.
  std::function<void(std::string_view prompt, detail::unique_function<void(std::optional<secret_string>)>)>
      change_password;
  /// Host-based authentication (RFC 4252 section 9; the seed's localHostname / localUsername).
  using hostbased_identity = sshlib::hostbased_identity;
  std::optional<hostbased_identity> hostbased;
  /// Public-key authentication with every identity of an agent (the seed's `agent`; use
  /// create_agent(executor, path) or any sshlib::agent), tried after private_key.
  std::shared_ptr<sshlib::agent> agent;
  /// Agent forwarding (the seed's agentForward): exec and shell sessions send
  /// auth-agent-req@openssh.com, and the server's auth-agent@openssh.com channels are served
  /// from `agent` (a forwarded agent can sign with every key in it: enable only for servers
  /// you trust).
  bool forward_agent = false;
  /// Try keyboard-interactive after the other methods (the seed's tryKeyboard).
  bool try_keyboard = false;
  /// Answers keyboard-interactive rounds: call the completion with one answer per prompt
  /// (the seed's `keyboard-interactive` event and its finish callback).
  keyboard_interactive_handler keyboard_interactive;
  /// Chooses the methods and their order (the seed's authHandler; see auth_sequence). Unset:
  /// the seed's default order from the members above: none, password, private_key, every
  /// agent identity, keyboard-interactive (when try_keyboard), hostbased, each only while
  /// the server lists it.
  auth_handler_fn auth_handler;
  /// Decides whether to trust the server's host key: call the completion once with the
  /// verdict, now or later (the seed's hostVerifier, sync or async). Unset: every key is
  /// accepted and a debug line says so (the seed's behaviour); set one in production.
  std::function<void(const host_key_info&, detail::unique_function<void(bool)>)> host_verifier;
  /// The server's USERAUTH_BANNER text (the seed's `banner` event).
  std::function<void(std::string_view)> banner;
  /// Local diagnostics (the seed's `debug`).
  std::function<void(std::string_view)> debug;
  /// Called after every key exchange (the seed's `handshake` event; `rekey` when not initial).
  std::function<void(const negotiated_algorithms&, bool initial)> handshake;

  /// Channels the server opens to us (forwarded-tcpip, forwarded-streamlocal@openssh.com,
  /// x11; the seed's `tcp connection`, `unix connection` and `x11` events), with their
  /// decoded fields. Unset: refused. The library refuses by itself the opens we never asked
  /// for: a forwarded-tcpip or forwarded-streamlocal for no forward of ours, an x11 or agent
  /// channel when no session asked for X11 or agent forwarding.
  /// auth-agent@openssh.com channels are served from `agent` when it is set and
  /// forward_agent is on; otherwise they come here too.
  std::function<void(incoming_channel)> channel_open;
  /// The server's host keys announced after authentication (the seed's `hostkeys` event).
  std::function<void(std::vector<key>)> hostkeys;
  /// keepalive@openssh.com every interval once authenticated; zero: off (the seed's
  /// keepaliveInterval). That many unanswered ones end the connection with errc::timeout
  /// (keepaliveCountMax).
  std::chrono::milliseconds keepalive_interval{0};
  unsigned keepalive_count_max = 3;

  /// Which addresses of the host to try (the seed's forceIPv4 / forceIPv6).
  enum class address_family { any, ipv4, ipv6 };
  address_family family = address_family::any;
  /// Local address and port to bind before connecting (the seed's localAddress and
  /// localPort); empty address with port 0: the system chooses.
  std::string local_address;
  std::uint16_t local_port = 0;
  /// OpenSSH-specific requests (streamlocal forwarding, no-more-sessions) only to servers
  /// whose identification names OpenSSH or sshlib (the seed's strictVendor, default true):
  /// otherwise the operation fails with errc::unsupported_algorithm and nothing is sent.
  bool strict_vendor = true;

  algorithm_preferences algorithms = algorithm_preferences::defaults();
  /// Software version in our identification line (the seed's `ident`).
  std::string ident = "sshlib_0.1";
  /// Time allowed from connecting to authenticated (the seed's readyTimeout); zero: none.
  std::chrono::milliseconds ready_timeout{20000};
  /// Offer strict key exchange (Terrapin mitigation). Leave on.
  bool strict_kex = true;
  /// Rekey after this many bytes in either direction.
  std::uint64_t rekey_bytes = std::uint64_t{1} << 30;
};

/// Options of an exec or shell session (the seed's exec / shell options).
struct session_options {
  /// A pseudo-terminal, requested first (the seed's `pty`).
  std::optional<pty_settings> pty;
  /// env requests; servers may refuse some, which is not an error (the seed's `env`).
  std::vector<std::pair<std::string, std::string>> env;
  /// X11 forwarding (the seed's `x11`); an empty auth_cookie gets 16 random bytes. The
  /// server's x11 channels then arrive through client_config::channel_open.
  std::optional<x11_settings> x11;
};

class client_impl;

class client {
public:
  using executor_type = boost::asio::any_io_executor;

  explicit client(executor_type executor);
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;

  executor_type get_executor() const noexcept;

  /// Runs SSH over `stream` (already connected; the seed's `sock`): version exchange, key
  /// exchange, host key verification and user authentication.
  /// Completion: void(boost::system::error_code). Errors (sshlib category unless noted):
  /// connection_lost, invalid_version_line, no_common_algorithm, host_key_rejected,
  /// authentication_failed (no method succeeded), disconnected_by_peer, timeout,
  /// protocol_error, strict_kex_violation. last_error() has the details.
  template <class Token>
  auto async_connect(std::unique_ptr<byte_stream> stream, client_config config, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::unique_ptr<byte_stream> s, client_config c) {
          do_connect(std::move(s), std::move(c), {}, 0,
                     detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token, std::move(stream), std::move(config));
  }

  /// Resolves `host`, connects over TCP to the first address that answers, then as above.
  template <class Token>
  auto async_connect(std::string host, std::uint16_t port, client_config config, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string h, std::uint16_t p, client_config c) {
          do_connect(nullptr, std::move(c), std::move(h), p,
                     detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token, std::move(host), port, std::move(config));
  }

  /// Opens a "session" channel. Completion: void(error_code, channel). Errors:
  /// channel_open_failed, connection_closed, too_many_channels.
  template <class Token>
  auto async_open_session(Token&& token) {
    return async_open_channel("session", {}, std::forward<Token>(token));
  }
  /// Opens any channel type with its type-specific data. Completion: void(error_code, channel).
  template <class Token>
  auto async_open_channel(std::string type, bytes data, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, channel)>(
        [this](auto handler, std::string t, bytes d) {
          do_open_channel(std::move(t), std::move(d),
                          detail::erase_handler<boost::system::error_code, channel>(std::move(handler), get_executor()));
        },
        token, std::move(type), std::move(data));
  }
  /// Opens a session and runs `command` in it (the seed's exec): with `pty`, a terminal is
  /// requested first; `env` entries are sent as env requests (servers may refuse them, which
  /// is not an error). Completion: void(error_code, channel) once the server accepted the
  /// command; read stdout from the channel, stderr from stderr_stream(), and the exit status
  /// from exit_status() after async_wait_closed.
  template <class Token>
  auto async_exec(std::string command, Token&& token, std::optional<pty_settings> pty = std::nullopt,
                  std::vector<std::pair<std::string, std::string>> env = {}) {
    return async_exec(std::move(command), session_options{std::move(pty), std::move(env), std::nullopt},
                      std::forward<Token>(token));
  }
  /// The same with every session option (pty, env, X11 forwarding).
  template <class Token>
  auto async_exec(std::string command, session_options options, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, channel)>(
        [this](auto handler, std::string c, session_options o) {
          do_session("exec", std::move(c), std::move(o),
                     detail::erase_handler<boost::system::error_code, channel>(std::move(handler), get_executor()));
        },
        token, std::move(command), std::move(options));
  }
  /// Opens a session with an interactive shell (the seed's shell).
  template <class Token>
  auto async_shell(Token&& token, std::optional<pty_settings> pty = pty_settings{}) {
    return async_shell(session_options{std::move(pty), {}, std::nullopt}, std::forward<Token>(token));
  }
  /// The same with every session option (the seed's shell options: env, x11).
  template <class Token>
  auto async_shell(session_options options, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, channel)>(
        [this](auto handler, session_options o) {
          do_session("shell", {}, std::move(o),
                     detail::erase_handler<boost::system::error_code, channel>(std::move(handler), get_executor()));
        },
        token, std::move(options));
  }
  /// Opens a session running a subsystem (the seed's subsys; "sftp" for SFTP).
  template <class Token>
  auto async_subsystem(std::string name, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, channel)>(
        [this](auto handler, std::string n) {
          do_session("subsystem", std::move(n), session_options{},
                     detail::erase_handler<boost::system::error_code, channel>(std::move(handler), get_executor()));
        },
        token, std::move(name));
  }
  /// A direct-tcpip channel to host:port through the server (the seed's forwardOut);
  /// origin is what the server is told the connection comes from.
  template <class Token>
  auto async_forward_out(std::string origin_host, std::uint16_t origin_port, std::string host, std::uint16_t port,
                         Token&& token) {
    return async_open_channel("direct-tcpip", direct_tcpip_data(host, port, origin_host, origin_port),
                              std::forward<Token>(token));
  }

  /// A direct-streamlocal@openssh.com channel to a UNIX socket on the server (the seed's
  /// openssh_forwardOutStreamLocal).
  template <class Token>
  auto async_forward_out_streamlocal(std::string socket_path, Token&& token) {
    return async_open_channel("direct-streamlocal@openssh.com", direct_streamlocal_data(socket_path),
                              std::forward<Token>(token));
  }

  /// Asks the server to listen on address:port and send us its connections (tcpip-forward;
  /// the seed's forwardIn). Port 0: the server picks one. Completion: void(error_code,
  /// std::uint32_t bound_port). Connections arrive through client_config::channel_open as
  /// "forwarded-tcpip" with host/port naming this forward. Errors: request_refused.
  template <class Token>
  auto async_forward_in(std::string address, std::uint32_t port, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::uint32_t)>(
        [this](auto handler, std::string a, std::uint32_t p) {
          do_forward_in(std::move(a), p,
                        detail::erase_handler<boost::system::error_code, std::uint32_t>(std::move(handler), get_executor()));
        },
        token, std::move(address), port);
  }
  /// Cancels a forward (cancel-tcpip-forward; the seed's unforwardIn), with the port bound.
  template <class Token>
  auto async_unforward_in(std::string address, std::uint32_t port, Token&& token) {
    return async_forward_request(false, false, std::move(address), port, std::forward<Token>(token));
  }
  /// UNIX-socket forwarding from the server (streamlocal-forward@openssh.com; the seed's
  /// openssh_forwardInStreamLocal / openssh_unforwardInStreamLocal). Connections arrive as
  /// "forwarded-streamlocal@openssh.com" with socket_path set. Completion: void(error_code).
  template <class Token>
  auto async_forward_in_streamlocal(std::string socket_path, Token&& token) {
    return async_forward_request(true, true, std::move(socket_path), 0, std::forward<Token>(token));
  }
  template <class Token>
  auto async_unforward_in_streamlocal(std::string socket_path, Token&& token) {
    return async_forward_request(true, false, std::move(socket_path), 0, std::forward<Token>(token));
  }
  /// Tells the server we will open no more sessions (no-more-sessions@openssh.com; the
  /// seed's openssh_noMoreSessions): a session opened later, by anyone who took over this
  /// connection, ends it. With strict_vendor, sent only to OpenSSH and sshlib servers
  /// (returns false, sending nothing, otherwise).
  bool no_more_sessions();
  /// Any global request. Completion: void(error_code, bytes reply_data); request_refused
  /// when the server says no.
  template <class Token>
  auto async_global_request(std::string name, bool want_reply, bytes data, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, bytes)>(
        [this](auto handler, std::string n, bool w, bytes d) {
          do_global_request(std::move(n), w, std::move(d),
                            detail::erase_handler<boost::system::error_code, bytes>(std::move(handler), get_executor()));
        },
        token, std::move(name), want_reply, std::move(data));
  }
  /// Completes when the connection has ended, with why (operation_aborted after end(),
  /// disconnected_by_peer, connection_lost, timeout, ...). Completion: void(error_code).
  template <class Token>
  auto async_wait_closed(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          do_wait_closed(detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token);
  }

  /// Starts a key re-exchange (the seed's rekey()). Errors via last_error if it fails.
  void rekey();
  /// Sends DISCONNECT and closes (the seed's end()).
  void end();

  bool is_authenticated() const noexcept;
  /// The algorithms of the last key exchange (empty before the first).
  std::optional<negotiated_algorithms> negotiated() const;
  /// The server's identification line, parsed.
  std::string server_identification() const;
  /// What ended the connection or failed the last operation, with details.
  std::optional<sshlib::error> last_error() const;
  /// The methods the server listed as able to continue after the last failure.
  std::vector<std::string> auth_methods_left() const;

  /// For the connection layer built on top.
  client_impl& impl() noexcept { return *impl_; }

private:
  template <class Token>
  auto async_forward_request(bool streamlocal, bool add, std::string where, std::uint32_t port, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, bool s, bool a, std::string w, std::uint32_t p) {
          do_forward_request(s, a, std::move(w), p,
                             detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token, streamlocal, add, std::move(where), port);
  }
  static bytes direct_streamlocal_data(std::string_view path);
  void do_forward_in(std::string address, std::uint32_t port,
                     detail::completion<boost::system::error_code, std::uint32_t> done);
  void do_forward_request(bool streamlocal, bool add, std::string where, std::uint32_t port,
                          detail::completion<boost::system::error_code> done);
  void do_global_request(std::string name, bool want_reply, bytes data,
                         detail::completion<boost::system::error_code, bytes> done);
  void do_wait_closed(detail::completion<boost::system::error_code> done);
  static bytes direct_tcpip_data(std::string_view host, std::uint16_t port, std::string_view origin_host,
                                 std::uint16_t origin_port);
  void do_open_channel(std::string type, bytes data, detail::completion<boost::system::error_code, channel> done);
  void do_session(std::string request, std::string argument, session_options options,
                  detail::completion<boost::system::error_code, channel> done);
  void do_connect(std::unique_ptr<byte_stream> stream, client_config config, std::string host, std::uint16_t port,
                  detail::completion<boost::system::error_code> done);

  std::shared_ptr<client_impl> impl_;
};

}  // namespace sshlib
