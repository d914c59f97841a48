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
};

/// Adapts any Asio AsyncReadStream + AsyncWriteStream (taken by value) to byte_stream.
template <class Stream>
class stream_adapter final : public byte_stream {
public:
  explicit stream_adapter(Stream s) : s_(std::move(s)) {}

  executor_type get_executor() override { return s_.get_executor(); }
  void async_read_some(boost::asio::mutable_buffer buffer, read_completion done) override {
    s_.async_read_some(buffer, [d = std::move(done)](boost::system::error_code ec, std::size_t n) mutable {
      d(ec, n);
    });
  }
  void async_write_some(boost::asio::const_buffer buffer, read_completion done) override {
    s_.async_write_some(buffer, [d = std::move(done)](boost::system::error_code ec, std::size_t n) mutable {
      d(ec, n);
    });
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

  Stream& next_layer() noexcept { return s_; }

private:
  Stream s_;
};

/// Wraps a stream (moved in) for sshlib.
template <class Stream>
std::unique_ptr<byte_stream> make_byte_stream(Stream s) {
  return std::make_unique<stream_adapter<Stream>>(std::move(s));
}

}  // namespace sshlib
