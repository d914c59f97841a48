// relay: copies bytes both ways between two streams (a channel and a socket for port
// forwarding, two channels in a proxy) until both directions have ended.
//
// Each direction reads into its own 32 KiB buffer and writes all of it before reading
// again, so a slow receiver stops the sender after at most one buffer plus the SSH window:
// memory stays bounded whatever the speeds. A direction whose source has readiness (a
// socket, a channel: byte_stream::can_wait_readable) holds its buffer only while bytes
// move: once the source is drained the buffer goes back and the direction waits, so an
// idle relay costs no buffer at all; other sources keep theirs for the relay's life. An end of
// stream on one side is passed on as a half-close of the other (byte_stream::shutdown_send: a
// socket's shutdown, a channel's EOF), so request/response protocols that half-close keep working.
// When both directions have ended, or either fails, both streams are closed and the relay
// completes.
//
// Threading: both streams must share one executor (a connection's), the relay runs there.
#pragma once

#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/async_result.hpp>

#include <cstdint>
#include <memory>

namespace sshlib {

/// Bytes copied by a relay, per direction.
struct relay_counts {
  std::uint64_t a_to_b = 0;
  std::uint64_t b_to_a = 0;
};

class relay_state;

class relay {
 public:
  relay(std::unique_ptr<byte_stream> a, std::unique_ptr<byte_stream> b);
  /// Destroying the relay does not stop it: async_run keeps it going; call close() to stop.
  ~relay();
  relay(relay&&) noexcept;
  relay& operator=(relay&&) noexcept;

  /// Runs until both directions have ended. Completion: void(error_code, relay_counts); the
  /// error is the first read or write failure other than an end of stream, or
  /// operation_aborted after close().
  template <class Token>
  auto async_run(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, relay_counts)>(
        [this](auto handler) {
          do_run(detail::erase_handler<boost::system::error_code, relay_counts>(std::move(handler),
                                                                                executor()));
        },
        token);
  }
  /// Closes both streams; async_run completes with operation_aborted. Idempotent.
  void close();
  /// What has been copied so far.
  relay_counts counts() const noexcept;
  /// Bytes of buffer the relay holds now (0 when both directions wait on quiet streams).
  std::size_t buffer_bytes() const noexcept;

 private:
  boost::asio::any_io_executor executor() const;
  void do_run(detail::completion<boost::system::error_code, relay_counts> done);
  std::shared_ptr<relay_state> state_;
};

}  // namespace sshlib
