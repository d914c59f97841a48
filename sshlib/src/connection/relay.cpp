// sshlib::relay: two copy loops, one per direction, over type-erased streams. Not a
// coroutine: plain callbacks keep each step cheap and the state small (it runs once per
// forwarded connection, thousands at a time on a bastion).
#include <sshlib/relay.hpp>

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>

#include <array>
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
  boost::asio::any_io_executor executor() const { return executor_; }

private:
  struct direction {
    bool a_to_b;
    std::array<std::uint8_t, relay_buffer_size> buffer{};
    bool ended = false;
  };

  byte_stream& source(const direction& d) { return d.a_to_b ? *a_ : *b_; }
  byte_stream& sink(const direction& d) { return d.a_to_b ? *b_ : *a_; }

  void read(direction& d) {
    if (closed_) return end(d);
    source(d).async_read_some(boost::asio::buffer(d.buffer),
                              [self = shared_from_this(), &d](error_code ec, std::size_t n) {
                                if (ec) {
                                  if (ec == boost::asio::error::eof) {
                                    self->sink(d).shutdown_send();
                                  } else {
                                    self->fail(ec);
                                  }
                                  return self->end(d);
                                }
                                self->write(d, 0, n);
                              });
  }

  void write(direction& d, std::size_t offset, std::size_t size) {
    if (closed_) return end(d);
    sink(d).async_write_some(boost::asio::buffer(d.buffer.data() + offset, size - offset),
                             [self = shared_from_this(), &d, offset, size](error_code ec, std::size_t n) {
                               if (ec) {
                                 self->fail(ec);
                                 return self->end(d);
                               }
                               (d.a_to_b ? self->counts_.a_to_b : self->counts_.b_to_a) += n;
                               if (offset + n < size) return self->write(d, offset + n, size);
                               self->read(d);
                             });
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
  direction forward_{true}, backward_{false};
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

void relay::close() { state_->close(); }
relay_counts relay::counts() const noexcept { return state_->counts(); }
boost::asio::any_io_executor relay::executor() const { return state_->executor(); }
void relay::do_run(detail::completion<error_code, relay_counts> done) { state_->run(std::move(done)); }

}  // namespace sshlib
