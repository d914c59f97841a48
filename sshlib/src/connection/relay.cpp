// sshlib::relay: two copy loops, one per direction, over type-erased streams. Not a
// coroutine: plain callbacks keep each step cheap and the state small (it runs once per
// forwarded connection, thousands at a time on a bastion).
#include <sshlib/relay.hpp>

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>

#include <memory>
#include <optional>

namespace sshlib {
using boost::system::error_code;

namespace {
constexpr std::size_t relay_buffer_size = 32 * 1024;  // one SSH max packet
}

class relay_state : public std::enable_shared_from_this<relay_state> {
 public:
  relay_state(std::unique_ptr<byte_stream> a, std::unique_ptr<byte_stream> b)
      : executor_(a->get_executor()), a_(std::move(a)), b_(std::move(b)) {}

  void run(detail::completion<error_code, relay_counts> done) {
    if (done_ || started_) return done(make_error_code(errc::invalid_value), counts_);
    started_ = true;
    done_ = std::move(done);
    if (closed_) return finish(boost::asio::error::operation_aborted);
    read(forward_);
    read(backward_);
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (!first_error_) first_error_ = boost::asio::error::operation_aborted;
    a_->close();
    b_->close();
  }

  relay_counts counts() const noexcept { return counts_; }
  std::size_t buffer_bytes() const noexcept {
    return (forward_.buffer ? relay_buffer_size : 0) + (backward_.buffer ? relay_buffer_size : 0);
  }
  boost::asio::any_io_executor executor() const { return executor_; }

 private:
  struct direction {
    bool a_to_b;
    // Held only while bytes are being moved: a direction waiting on a quiet stream that has
    // readiness holds no buffer (thousands of idle forwards cost no 32 KiB each).
    std::unique_ptr<std::uint8_t[]> buffer{};
    bool ended = false;
    bool in_pump = false;  // pump() is on the stack: a write completing now is noted...
    std::optional<std::pair<error_code, std::size_t>> written_inline{};  // ...here
  };

  byte_stream& source(const direction& d) { return d.a_to_b ? *a_ : *b_; }
  byte_stream& sink(const direction& d) { return d.a_to_b ? *b_ : *a_; }
  static boost::asio::mutable_buffer buffer_of(direction& d) {
    if (!d.buffer) d.buffer = std::make_unique_for_overwrite<std::uint8_t[]>(relay_buffer_size);
    return {d.buffer.get(), relay_buffer_size};
  }

  void read(direction& d) {
    if (closed_) return end(d);
    if (source(d).can_wait_readable()) return pump(d);
    source(d).async_read_some(buffer_of(d),
                              [self = shared_from_this(), &d](error_code ec, std::size_t n) {
                                if (ec) return self->read_failed(d, ec);
                                self->write(d, 0, n);
                              });
  }

  void read_failed(direction& d, const error_code& ec) {
    if (ec == boost::asio::error::eof) {
      sink(d).shutdown_send();
    } else {
      fail(ec);
    }
    end(d);
  }

  // Readiness: take what the source has now and write it, again after each write; when
  // the source has nothing, give the buffer back and wait for more. Writes that complete
  // at once (a stream may) continue the loop here instead of recursing.
  void pump(direction& d) {
    d.in_pump = true;
    while (!closed_) {
      error_code ec;
      const std::size_t n = source(d).read_some_now(buffer_of(d), ec);
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again ||
          (!ec && n == 0)) {
        d.in_pump = false;
        return wait(d);
      }
      if (ec) {
        d.in_pump = false;
        return read_failed(d, ec);
      }
      d.written_inline.reset();
      write(d, 0, n);
      if (!d.written_inline) {
        d.in_pump = false;  // the write's completion goes on (after_write)
        return;
      }
      const auto [write_ec, written] = *d.written_inline;
      if (write_ec || written < n) {
        d.in_pump = false;
        return after_write(d, write_ec, 0, n, written);
      }
    }
    d.in_pump = false;
    end(d);
  }

  void wait(direction& d) {
    if (closed_) return end(d);
    d.buffer.reset();
    source(d).async_wait_readable([self = shared_from_this(), &d](error_code ec) {
      if (ec) return self->read_failed(d, ec);
      if (self->closed_) return self->end(d);
      self->pump(d);
    });
  }

  void write(direction& d, std::size_t offset, std::size_t size) {
    if (closed_) return end(d);
    sink(d).async_write_some(
        boost::asio::buffer(d.buffer.get() + offset, size - offset),
        [self = shared_from_this(), &d, offset, size](error_code ec, std::size_t n) {
          if (!ec) (d.a_to_b ? self->counts_.a_to_b : self->counts_.b_to_a) += n;
          if (d.in_pump && offset == 0) {
            d.written_inline.emplace(ec, n);  // pump() goes on
            return;
          }
          self->after_write(d, ec, offset, size, n);
        });
  }

  void after_write(direction& d, const error_code& ec, std::size_t offset, std::size_t size,
                   std::size_t n) {
    if (ec) {
      fail(ec);
      return end(d);
    }
    if (offset + n < size) return write(d, offset + n, size);
    read(d);
  }

  void fail(const error_code& ec) {
    if (!first_error_) first_error_ = ec;
    // A failed direction takes the other down with it: a half-dead forward is worse than none.
    if (!closed_) {
      closed_ = true;
      a_->close();
      b_->close();
    }
  }

  void end(direction& d) {
    if (d.ended) return;
    d.ended = true;
    if (forward_.ended && backward_.ended) {
      if (!closed_) {
        closed_ = true;
        a_->close();
        b_->close();
      }
      finish(first_error_.value_or(error_code{}));
    }
  }

  void finish(const error_code& ec) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = {};
    done(ec, counts_);
  }

  boost::asio::any_io_executor executor_;
  std::unique_ptr<byte_stream> a_, b_;
  direction forward_{.a_to_b = true}, backward_{.a_to_b = false};
  relay_counts counts_;
  std::optional<error_code> first_error_;
  detail::completion<error_code, relay_counts> done_;
  bool started_ = false, closed_ = false;
};

relay::relay(std::unique_ptr<byte_stream> a, std::unique_ptr<byte_stream> b)
    : state_(std::make_shared<relay_state>(std::move(a), std::move(b))) {}
relay::~relay() = default;
relay::relay(relay&&) noexcept = default;
relay& relay::operator=(relay&&) noexcept = default;

void relay::close() {
  state_->close();
}
relay_counts relay::counts() const noexcept {
  return state_->counts();
}
std::size_t relay::buffer_bytes() const noexcept {
  return state_->buffer_bytes();
}
boost::asio::any_io_executor relay::executor() const {
  return state_->executor();
}
void relay::do_run(detail::completion<error_code, relay_counts> done) {
  state_->run(std::move(done));
}

}  // namespace sshlib
