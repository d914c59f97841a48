// byte_stream: the byte transport an SSH connection runs over, type-erased so that sshlib's
// compiled code works with any Asio stream: a TCP socket, a UNIX socket, an SSL stream, or a
// channel of another SSH connection (connection hopping, the seed's `sock` option).
#pragma once

#include <sshlib/detail/erased_handler.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <utility>

namespace sshlib {

class byte_stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using read_completion = detail::completion<boost::system::error_code, std::size_t>;

  virtual ~byte_stream() = default;
  virtual executor_type get_executor() = 0;
  /// Reads at least one byte into `buffer` (which stays valid until completion); completes
  /// with the count, or an error (boost::asio::error::eof at the end of the stream).
  virtual void async_read_some(boost::asio::mutable_buffer buffer, read_completion done) = 0;
  /// Writes at least one byte of `buffer`; completes with the count or an error.
  virtual void async_write_some(boost::asio::const_buffer buffer, read_completion done) = 0;
  /// Closes the stream; outstanding operations complete with an error. Never throws.
  virtual void close() noexcept = 0;
  /// Half-close: we will write no more, the peer may still send (a TCP or UNIX socket's
  /// shutdown(send), a channel's EOF). Streams that cannot half-close do nothing.
  virtual void shutdown_send() noexcept {}

  // Readiness, for a reader that wants no buffer of its own while the stream is quiet (a
  // relay or a connection among thousands of idle ones): wait until a read would not
  // block, then take what is there without waiting. Streams that cannot (an SSL stream)
  // say so, and their readers use async_read_some.

  /// Whether async_wait_readable and read_some_now work on this stream.
  virtual bool can_wait_readable() const noexcept { return false; }
  /// Completes when data, the end of the stream or an error is there to be read.
  virtual void async_wait_readable(detail::completion<boost::system::error_code> done) {
    done(make_error_code(boost::system::errc::operation_not_supported));
  }
  /// Reads what is there now, never blocking: boost::asio::error::would_block when nothing
  /// is, boost::asio::error::eof at the end of the stream.
  virtual std::size_t read_some_now(boost::asio::mutable_buffer, boost::system::error_code& ec) {
    ec = make_error_code(boost::system::errc::operation_not_supported);
    return 0;
  }
};

/// Adapts any Asio AsyncReadStream + AsyncWriteStream (taken by value) to byte_stream.
template <class Stream>
class stream_adapter final : public byte_stream {
 public:
  explicit stream_adapter(Stream s) : s_(std::move(s)) {}

  executor_type get_executor() override { return s_.get_executor(); }
  void async_read_some(boost::asio::mutable_buffer buffer, read_completion done) override {
    s_.async_read_some(buffer, [d = std::move(done)](boost::system::error_code ec,
                                                     std::size_t n) mutable { d(ec, n); });
  }
  void async_write_some(boost::asio::const_buffer buffer, read_completion done) override {
    s_.async_write_some(buffer, [d = std::move(done)](boost::system::error_code ec,
                                                      std::size_t n) mutable { d(ec, n); });
  }
  void close() noexcept override {
    boost::system::error_code ignored;
    if constexpr (requires { s_.close(ignored); }) {
      s_.close(ignored);
    } else if constexpr (requires { s_.lowest_layer().close(ignored); }) {
      s_.lowest_layer().close(ignored);
    } else if constexpr (requires { s_.lowest_layer().close(); }) {
      s_.lowest_layer().close();  // e.g. an asio::ssl::stream over a channel
    } else {
      s_.close();
    }
  }

  void shutdown_send() noexcept override {
    boost::system::error_code ignored;
    if constexpr (requires { s_.send_eof(); }) {
      s_.send_eof();
    } else if constexpr (requires { s_.shutdown(Stream::shutdown_send, ignored); }) {
      s_.shutdown(Stream::shutdown_send, ignored);
    }
  }

  // Sockets (TCP, UNIX) and sshlib::channel have readiness: async_wait(wait_read) and a
  // read_some that does not block (a socket once put in non-blocking mode).
  static constexpr bool has_readiness = requires(Stream & s, boost::system::error_code& ec) {
    s.async_wait(Stream::wait_read, [](boost::system::error_code) {});
    s.read_some(boost::asio::mutable_buffer(), ec);
  };
  bool can_wait_readable() const noexcept override { return has_readiness; }
  void async_wait_readable(detail::completion<boost::system::error_code> done) override {
    if constexpr (has_readiness) {
      s_.async_wait(Stream::wait_read,
                    [d = std::move(done)](boost::system::error_code ec) mutable { d(ec); });
    } else {
      byte_stream::async_wait_readable(std::move(done));
    }
  }
  std::size_t read_some_now(boost::asio::mutable_buffer buffer,
                            boost::system::error_code& ec) override {
    if constexpr (has_readiness) {
      if constexpr (requires { s_.non_blocking(true, ec); }) {
        if (!non_blocking_) {
          s_.non_blocking(true, ec);  // a socket's read_some would otherwise wait for data
          if (ec) return 0;
          non_blocking_ = true;
        }
      }
      return s_.read_some(buffer, ec);
    } else {
      return byte_stream::read_some_now(buffer, ec);
    }
  }

  Stream& next_layer() noexcept { return s_; }

 private:
  Stream s_;
  bool non_blocking_ = false;
};

/// Wraps a stream (moved in) for sshlib.
template <class Stream>
std::unique_ptr<byte_stream> make_byte_stream(Stream s) {
  return std::make_unique<stream_adapter<Stream>>(std::move(s));
}

}  // namespace sshlib
