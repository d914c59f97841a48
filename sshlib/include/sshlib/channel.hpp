// sshlib::channel: one SSH channel (RFC 4254 section 5), usable as an Asio AsyncReadStream
// and AsyncWriteStream for its data; stderr (extended data type 1) is a second stream,
// stderr_stream(). Flow control is the SSH window: a reader that stops reading stops the
// peer after one window (2 MiB) — memory per channel stays bounded — and a writer waits
// when the peer's window is exhausted or the connection's send buffer is full.
//
// A channel belongs to its connection's executor; call it from there. Copies share the
// same channel. Lifetimes: buffers passed to async operations must stay valid until they
// complete.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sshlib {

class channel_impl;

/// How a remote command ended (the seed's `exit` / `close` event arguments).
struct exit_info {
  std::optional<std::uint32_t> code;  // exit-status
  std::string signal;                 // exit-signal name without "SIG" ("TERM"), empty if none
  bool core_dumped = false;
  std::string message;
};

/// Pseudo-terminal settings (RFC 4254 section 6.2; the seed's pty options).
struct pty_settings {
  std::string term = "vt100";
  std::uint32_t cols = 80, rows = 24, width_px = 640, height_px = 480;
  /// Encoded terminal modes (RFC 4254 section 8): opcode, uint32 value, ... without TTY_OP_END.
  bytes modes;
};

/// X11 forwarding parameters of a session (RFC 4254 section 6.3.1; the seed's x11 option).
struct x11_settings {
  bool single_connection = false;
  std::string auth_protocol = "MIT-MAGIC-COOKIE-1";
  /// The cookie as hexadecimal text, as sent on the wire (a fake one the client substitutes).
  std::string auth_cookie;
  std::uint32_t screen = 0;
};

/// The type-specific data of an x11-req request.
bytes encode_x11_request(const x11_settings& x11);

/// A CHANNEL_REQUEST the peer sent us (server: pty-req, env, shell, exec, subsystem,
/// window-change, signal, x11-req, auth-agent-req@openssh.com; client: keepalive and
/// unknown ones). Answer with accept() or reject() when want_reply; unanswered: rejected.
class channel_request {
 public:
  const std::string& type() const noexcept { return type_; }
  bool want_reply() const noexcept { return want_reply_; }
  /// The request's type-specific bytes.
  const bytes& data() const noexcept { return data_; }
  /// exec: the command; subsystem: the name; env: "NAME=value"; signal: the signal name.
  const std::string& text() const noexcept { return text_; }
  /// env: the variable's name and value as sent (a name may itself contain '=').
  const std::string& env_name() const noexcept { return env_name_; }
  const std::string& env_value() const noexcept { return env_value_; }
  /// x11-req (RFC 4254 section 6.3.1).
  const std::optional<x11_settings>& x11() const noexcept { return x11_; }
  /// pty-req and window-change. pty-req modes are re-encoded without TTY_OP_END (decode
  /// them with decode_terminal_modes); modes that do not decode are kept as sent.
  const std::optional<pty_settings>& pty() const noexcept { return pty_; }

  void accept();
  void reject();

  channel_request(std::string type, bool want_reply, bytes data, std::function<void(bool)> reply);
  channel_request(channel_request&&) noexcept;
  channel_request& operator=(channel_request&&) noexcept;
  ~channel_request();

  std::string text_;
  std::string env_name_, env_value_;
  std::optional<pty_settings> pty_;
  std::optional<x11_settings> x11_;

 private:
  std::string type_;
  bool want_reply_;
  bytes data_;
  std::function<void(bool)> reply_;
};

class channel;

/// RFC 4254 section 5.1 reasons for refusing a channel.
enum class channel_open_failure : std::uint32_t {
  administratively_prohibited = 1,
  connect_failed = 2,
  unknown_channel_type = 3,
  resource_shortage = 4,
};

/// Why the peer refused to open a channel (CHANNEL_OPEN_FAILURE's reason and text).
struct open_failure_info {
  channel_open_failure reason = channel_open_failure::administratively_prohibited;
  std::string description;
};

/// A CHANNEL_OPEN from the peer (the seed's `session`, `tcpip`, `tcp connection`, `x11`
/// events): accept() confirms it and returns the channel; reject() refuses it. Neither
/// called: it stays pending until the connection ends, so decide promptly.
struct incoming_channel {
  std::string type;  // "session", "direct-tcpip", "forwarded-tcpip", "x11", ...
  bytes data;        // type-specific fields as sent
  // Decoded fields (RFC 4254 sections 7.1, 7.2, 6.3.2; OpenSSH PROTOCOL 2.4):
  //  - direct-tcpip: host and port to connect to, origin_host and origin_port of the client;
  //  - forwarded-tcpip: host and port of the forward that was connected (as requested;
  //    the bound port when 0 was asked), origin_host and origin_port of the connecting peer;
  //  - x11: origin_host and origin_port of the X client;
  //  - direct-streamlocal@openssh.com and forwarded-streamlocal@openssh.com: socket_path.
  // An open of one of these types whose data does not decode is refused by the library.
  std::string host;
  std::uint32_t port = 0;
  std::string origin_host;
  std::uint32_t origin_port = 0;
  std::string socket_path;
  std::function<channel()> accept;
  std::function<void(channel_open_failure, std::string description)> reject;
};

class channel {
 public:
  using executor_type = boost::asio::any_io_executor;

  channel() = default;
  explicit channel(std::shared_ptr<channel_impl> impl) noexcept : impl_(std::move(impl)) {}

  executor_type get_executor() const;
  /// Asio's layered-stream convention: a channel is its own lowest layer, as a socket is.
  /// Boost 1.74's asio::ssl::stream<sshlib::channel> (HTTPS through a tunnel) requires it.
  using lowest_layer_type = channel;
  lowest_layer_type& lowest_layer() noexcept { return *this; }
  const lowest_layer_type& lowest_layer() const noexcept { return *this; }
  bool is_open() const noexcept;
  /// The channel type ("session", "direct-tcpip", ...).
  std::string type() const;

  /// Reads stdout data (or, on a server, the client's data). Completion:
  /// void(error_code, std::size_t); boost::asio::error::eof after the peer's EOF or CLOSE.
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer b) {
          do_read(0, b,
                  detail::erase_handler<boost::system::error_code, std::size_t>(std::move(handler),
                                                                                get_executor()));
        },
        token, first_buffer(buffers));
  }
  /// Writes data; completes with how much was sent (at least one byte unless an error).
  /// Errors: connection_closed after close() or the peer's CLOSE, or once EOF was sent.
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer b) {
          do_write(0, b,
                   detail::erase_handler<boost::system::error_code, std::size_t>(std::move(handler),
                                                                                 get_executor()));
        },
        token, first_const_buffer(buffers));
  }

  /// Readiness, as a socket has it, for readers that hold no buffer while the channel is
  /// quiet: async_wait(wait_read) completes when data, EOF or CLOSE is there to read, and
  /// read_some() takes what is there without waiting. A channel never blocks: read_some
  /// gives boost::asio::error::would_block when nothing is there, eof after the peer's EOF
  /// or CLOSE. Both work on the data stream. Completion: void(error_code).
  enum wait_type { wait_read };
  template <class Token>
  auto async_wait(wait_type, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          do_wait_readable(0, detail::erase_handler<boost::system::error_code>(std::move(handler),
                                                                               get_executor()));
        },
        token);
  }
  std::size_t read_some(boost::asio::mutable_buffer buffer, boost::system::error_code& ec) {
    return do_read_now(0, buffer, ec);
  }

  /// The extended-data stream of type 1 (stderr), as another Asio stream.
  class stderr_stream_type;
  stderr_stream_type stderr_stream() const;

  /// Sends a CHANNEL_REQUEST. With want_reply the completion waits for the peer's answer
  /// (errc::request_refused when it says no); otherwise it completes once queued.
  /// Completion: void(error_code).
  template <class Token>
  auto async_request(std::string type, bool want_reply, bytes data, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, std::string t, bool w, bytes d) {
          do_request(
              std::move(t), w, std::move(d),
              detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token, std::move(type), want_reply, std::move(data));
  }

  // Session requests (RFC 4254 section 6), each waiting for the server's answer.
  template <class Token>
  auto async_exec(std::string command, Token&& token) {
    return async_request("exec", true, string_field(command), std::forward<Token>(token));
  }
  template <class Token>
  auto async_shell(Token&& token) {
    return async_request("shell", true, {}, std::forward<Token>(token));
  }
  template <class Token>
  auto async_subsystem(std::string name, Token&& token) {
    return async_request("subsystem", true, string_field(name), std::forward<Token>(token));
  }
  template <class Token>
  auto async_request_pty(const pty_settings& pty, Token&& token) {
    return async_request("pty-req", true, encode_pty(pty), std::forward<Token>(token));
  }
  template <class Token>
  auto async_setenv(std::string name, std::string value, Token&& token) {
    return async_request("env", true, two_strings(name, value), std::forward<Token>(token));
  }
  /// Asks the server to forward X11 connections to us; they arrive as "x11" channel opens
  /// (client_config::channel_open, the seed's `x11` event).
  template <class Token>
  auto async_request_x11(const x11_settings& x11, Token&& token) {
    return async_request("x11-req", true, encode_x11_request(x11), std::forward<Token>(token));
  }
  /// Asks the server to forward agent connections (auth-agent-req@openssh.com); they arrive
  /// as auth-agent@openssh.com channel opens, served from client_config::agent.
  template <class Token>
  auto async_request_agent_forwarding(Token&& token) {
    return async_request("auth-agent-req@openssh.com", true, {}, std::forward<Token>(token));
  }
  /// window-change (no reply) and signal (no reply; the seed's channel.signal()).
  void window_change(std::uint32_t rows, std::uint32_t cols, std::uint32_t height_px = 0,
                     std::uint32_t width_px = 0);
  void signal(std::string name);

  /// Server: reports how the command ended (exit-status / exit-signal), before close().
  void exit(std::uint32_t code);
  void exit_signal(std::string signal_name, bool core_dumped, std::string message);

  /// Sends EOF: we will write no more (the peer may still send).
  void send_eof();
  /// Sends CLOSE (once); parked reads complete with eof, writes fail.
  void close();
  /// Completes when the channel is fully closed (CLOSE both ways). Completion: void(error_code).
  template <class Token>
  auto async_wait_closed(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          do_wait_closed(
              detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token);
  }

  /// The exit status / signal the peer reported (client side).
  const exit_info& exit_status() const;
  /// After an open failed with errc::channel_open_failed, the channel handed to the
  /// completion carries the peer's reason code and text (nothing else works on it).
  const std::optional<open_failure_info>& open_failure() const;
  /// Whether the peer sent EOF.
  bool eof_received() const noexcept;

  /// Server side: handler for the peer's channel requests (pty-req, env, exec, ...).
  void on_request(std::function<void(channel_request)> handler);

  channel_impl& impl() noexcept { return *impl_; }

 private:
  template <class Buffers>
  static boost::asio::mutable_buffer first_buffer(const Buffers& b) {
    for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b);
         ++it) {
      if (boost::asio::mutable_buffer(*it).size() != 0) return *it;
    }
    return {};
  }
  template <class Buffers>
  static boost::asio::const_buffer first_const_buffer(const Buffers& b) {
    for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b);
         ++it) {
      if (boost::asio::const_buffer(*it).size() != 0) return *it;
    }
    return {};
  }
  static bytes string_field(std::string_view a);
  static bytes two_strings(std::string_view a, std::string_view b);
  static bytes encode_pty(const pty_settings& pty);

  void do_read(std::uint32_t data_type, boost::asio::mutable_buffer b,
               detail::completion<boost::system::error_code, std::size_t> done);
  void do_write(std::uint32_t data_type, boost::asio::const_buffer b,
                detail::completion<boost::system::error_code, std::size_t> done);
  void do_request(std::string type, bool want_reply, bytes data,
                  detail::completion<boost::system::error_code> done);
  void do_wait_closed(detail::completion<boost::system::error_code> done);
  void do_wait_readable(std::uint32_t data_type,
                        detail::completion<boost::system::error_code> done);
  std::size_t do_read_now(std::uint32_t data_type, boost::asio::mutable_buffer b,
                          boost::system::error_code& ec);

  friend class stderr_stream_type;
  std::shared_ptr<channel_impl> impl_;
};

/// The extended-data stream of type 1 (stderr) of a channel, as another Asio stream.
class channel::stderr_stream_type {
 public:
  using executor_type = boost::asio::any_io_executor;
  explicit stderr_stream_type(channel c) : c_(std::move(c)) {}
  executor_type get_executor() const { return c_.get_executor(); }
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer b) {
          c_.do_read(1, b,
                     detail::erase_handler<boost::system::error_code, std::size_t>(
                         std::move(handler), get_executor()));
        },
        token, first_buffer(buffers));
  }
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer b) {
          c_.do_write(1, b,
                      detail::erase_handler<boost::system::error_code, std::size_t>(
                          std::move(handler), get_executor()));
        },
        token, first_const_buffer(buffers));
  }
  /// Readiness, as the channel's own (async_wait and a read_some that never blocks).
  using wait_type = channel::wait_type;
  static constexpr wait_type wait_read = channel::wait_read;
  template <class Token>
  auto async_wait(wait_type, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) {
          c_.do_wait_readable(1, detail::erase_handler<boost::system::error_code>(
                                     std::move(handler), get_executor()));
        },
        token);
  }
  std::size_t read_some(boost::asio::mutable_buffer buffer, boost::system::error_code& ec) {
    return c_.do_read_now(1, buffer, ec);
  }

 private:
  channel c_;
};

inline channel::stderr_stream_type channel::stderr_stream() const {
  return stderr_stream_type(*this);
}

}  // namespace sshlib
