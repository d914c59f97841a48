// Runs a transport_machine over a byte_stream: one coroutine reads and feeds the machine,
// one writes what it produces, and the upper layers (authentication, connection) receive
// packets with receive() and send with send(). Everything runs on the stream's executor;
// callers must be on it too (the public client and server dispatch there).
#pragma once

#include "transport/async_signal.hpp"
#include "transport/transport_machine.hpp"

#include <sshlib/detail/unique_function.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <functional>
#include <memory>

namespace sshlib::transport {

struct session_hooks {
  /// Client: decide whether to trust the server's host key; call the completion once with
  /// the verdict (now or later). Without a hook every key is rejected.
  std::function<void(const events::verify_host_key&, detail::unique_function<void(bool)>)> verify_host_key;
  std::function<void(const events::handshake_done&)> handshake;
  std::function<void(const events::ext_info&)> ext_info;
  /// Diagnostics in words (the seed's `debug` option).
  std::function<void(std::string_view)> debug;
  /// The connection ended (once): the error says why (disconnected_by_peer, connection_lost,
  /// a protocol error, or operation_aborted after close()).
  std::function<void(const sshlib::error&)> closed;
};

class transport_session : public std::enable_shared_from_this<transport_session> {
public:
  transport_session(std::unique_ptr<byte_stream> stream, std::unique_ptr<transport_machine> machine,
                    session_hooks hooks);
  ~transport_session();

  byte_stream::executor_type get_executor() { return executor_; }

  /// Sends the identification and first KEXINIT and starts the read and write loops.
  void start();
  /// Completes when the first key exchange has finished, or with the error that ended it.
  boost::asio::awaitable<result<void>> wait_handshake();
  /// The next upper-layer packet, or the error that closed the connection.
  boost::asio::awaitable<result<incoming_packet>> receive();
  /// Queues a payload. Errors: connection_closed.
  result<void> send(byte_view payload);
  /// Starts a key re-exchange now (no-op while one runs). Errors: connection_closed.
  result<void> rekey();
  /// Runs `f` (posted) once less than send_high_watermark bytes wait to be written: the
  /// connection layer's writers use it so that a slow socket stops them instead of growing
  /// the send buffer without bound.
  void when_writable(detail::unique_function<void()> f);
  static constexpr std::size_t send_high_watermark = 1024 * 1024;
  /// Completes when every byte produced so far has been handed to the stream.
  boost::asio::awaitable<result<void>> flush();
  /// Sends DISCONNECT (by_application), flushes, then closes the stream.
  void close(disconnect_reason reason = disconnect_reason::by_application, std::string_view description = "closed");
  /// Closes because of an error found above the transport (a protocol error in auth, ...).
  void fail(const sshlib::error& e, disconnect_reason reason = disconnect_reason::protocol_error);

  transport_machine& machine() noexcept { return *machine_; }
  bool is_closed() const noexcept { return close_reason_.has_value(); }
  const std::optional<sshlib::error>& close_reason() const noexcept { return close_reason_; }
  void debug(std::string_view text) const;

private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void pump();  // processes buffered input, handles events, wakes waiters
  void handle_events();
  void finish(sshlib::error e);

  byte_stream::executor_type executor_;
  std::unique_ptr<byte_stream> stream_;
  std::unique_ptr<transport_machine> machine_;
  session_hooks hooks_;
  async_signal input_allowed_, output_ready_, packets_ready_, flushed_;
  std::optional<sshlib::error> close_reason_;
  bool closing_ = false;   // DISCONNECT queued; the writer closes the stream after it
  bool writing_done_ = false;
  bool stream_closed_ = false;
  std::uint64_t bytes_written_ = 0;
  std::size_t in_flight_ = 0;
  std::deque<detail::unique_function<void()>> writable_waiters_;
  void release_writable_waiters();
};

}  // namespace sshlib::transport
