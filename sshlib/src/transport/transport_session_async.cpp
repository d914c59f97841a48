#include "transport/transport_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace sshlib::transport {
namespace asio = boost::asio;

namespace {

constexpr std::size_t read_chunk = 64 * 1024;

// Awaits one byte_stream operation, returning its error instead of throwing.
template <class Start>
asio::awaitable<std::pair<boost::system::error_code, std::size_t>> stream_op(byte_stream& s,
                                                                             Start start) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const std::size_t n =
      co_await asio::async_initiate<decltype(token), void(boost::system::error_code, std::size_t)>(
          [&s, start](auto handler) mutable {
            start(detail::erase_handler<boost::system::error_code, std::size_t>(std::move(handler),
                                                                                s.get_executor()));
          },
          token);
  co_return std::make_pair(ec, n);
}

}  // namespace

transport_session::transport_session(std::unique_ptr<byte_stream> stream,
                                     std::unique_ptr<transport_machine> machine,
                                     session_hooks hooks)
    : executor_(stream->get_executor()),
      stream_(std::move(stream)),
      machine_(std::move(machine)),
      hooks_(std::move(hooks)),
      input_allowed_(executor_),
      output_ready_(executor_),
      packets_ready_(executor_),
      flushed_(executor_) {}

transport_session::~transport_session() = default;

void transport_session::debug(std::string_view text) const {
  if (hooks_.debug) hooks_.debug(text);
}

void transport_session::start() {
  if (auto r = machine_->start(); !r) {
    finish(r.error());
    return;
  }
  debug("local identification: " + machine_->our_identification());
  auto self = shared_from_this();
  asio::co_spawn(
      executor_, [self]() { return self->read_loop(); }, asio::detached);
  asio::co_spawn(
      executor_, [self]() { return self->write_loop(); }, asio::detached);
}

asio::awaitable<void> transport_session::read_loop() {
  auto self = shared_from_this();  // keeps the session alive while the loop runs
  bool quiet = false;              // the last read took less than it asked for
  while (!close_reason_) {
    if (!machine_->wants_input()) {
      co_await input_allowed_.wait();
      continue;
    }
    boost::system::error_code ec;
    std::size_t n = 0;
    std::size_t asked = 0;  // for an async_read_some: what it asked for
    if (quiet && stream_->can_wait_readable()) {
      // The last read took less than it asked for: take what has come since; when nothing
      // has, give the buffer back until the peer speaks again (a quiet connection holds no
      // 64 KiB buffer), then take what is there.
      auto buffer = machine_->prepare_input(read_chunk);
      n = stream_->read_some_now(asio::buffer(buffer.data(), buffer.size()), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again || (!ec && n == 0)) {
        machine_->release_input_buffer();
        std::tie(ec, n) = co_await stream_op(*stream_, [&](byte_stream::read_completion done) {
          stream_->async_wait_readable(
              [d = std::move(done)](boost::system::error_code e) mutable { d(e, 0); });
        });
        if (close_reason_) break;
        if (ec) {
          n = 0;
        } else {
          auto again = machine_->prepare_input(read_chunk);
          n = stream_->read_some_now(asio::buffer(again.data(), again.size()), ec);
          if (ec == asio::error::would_block || ec == asio::error::try_again || (!ec && n == 0))
            continue;
        }
      }
    } else {
      auto buffer = machine_->prepare_input(read_chunk);
      asked = buffer.size();
      std::tie(ec, n) = co_await stream_op(*stream_, [&](byte_stream::read_completion done) {
        stream_->async_read_some(asio::buffer(buffer.data(), buffer.size()), std::move(done));
      });
    }
    // A short async read makes the next read a non-blocking one (and a wait if that finds
    // nothing); after it, the next goes through async_read_some again, which completes
    // through the scheduler: a busy connection cannot keep the worker to itself.
    quiet = asked > 0 && n < asked;
    if (close_reason_) break;
    if (ec) {
      finish(ec == asio::error::eof
                 ? sshlib::error{errc::connection_lost, "the peer closed the connection"}
                 : sshlib::error{errc::connection_lost, ec.message()});
      break;
    }
    machine_->commit_input(n);
    pump();
  }
}

void transport_session::pump() {
  const bool was_complete = machine_->handshake_complete();
  auto r = machine_->process();
  handle_events();
  if (machine_->has_output()) output_ready_.notify_all();
  packets_ready_.notify_all();
  if (!r && !close_reason_) {
    // The machine queued a DISCONNECT (unless the peer sent one): flush it, then close.
    closing_ = true;
    finish(r.error());
  }
  if (!was_complete && machine_->handshake_complete()) debug("session keys in place");
}

void transport_session::handle_events() {
  while (auto e = machine_->next_event()) {
    if (auto* v = std::get_if<events::verify_host_key>(&*e)) {
      if (!hooks_.verify_host_key) {
        (void)machine_->host_key_verdict(false);
        continue;
      }
      auto self = shared_from_this();
      hooks_.verify_host_key(*v, [self](bool trusted) {
        // The verdict may come from another handler; continue on our executor.
        asio::dispatch(self->executor_, [self, trusted] {
          if (self->close_reason_) return;
          if (auto r = self->machine_->host_key_verdict(trusted); !r) {
            self->closing_ = true;
            self->output_ready_.notify_all();
            self->finish(r.error());
            return;
          }
          self->pump();
          self->input_allowed_.notify_all();
        });
      });
    } else if (auto* h = std::get_if<events::handshake_done>(&*e)) {
      debug(std::string(h->initial ? "handshake" : "rekey") + " done: kex " + h->negotiated.kex +
            ", host key " + h->negotiated.host_key + ", cipher " + h->negotiated.c2s.cipher + "/" +
            h->negotiated.s2c.cipher + (h->negotiated.strict_kex ? ", strict kex" : ""));
      if (hooks_.handshake) hooks_.handshake(*h);
    } else if (auto* x = std::get_if<events::ext_info>(&*e)) {
      if (hooks_.ext_info) hooks_.ext_info(*x);
    } else if (auto* d = std::get_if<events::debug_message>(&*e)) {
      debug("peer debug message: " + d->message);
    } else if (auto* dc = std::get_if<events::disconnect_received>(&*e)) {
      debug("peer disconnected (reason " + std::to_string(dc->reason) + "): " + dc->description);
    }
  }
}

asio::awaitable<void> transport_session::write_loop() {
  auto self = shared_from_this();
  while (true) {
    if (!machine_->has_output()) {
      if (closing_ || close_reason_) break;
      co_await output_ready_.wait();
      continue;
    }
    const bytes out = machine_->take_output();
    in_flight_ = out.size();
    std::size_t done = 0;
    while (done < out.size()) {
      auto [ec, n] = co_await stream_op(*stream_, [&](byte_stream::read_completion d) {
        stream_->async_write_some(asio::buffer(out.data() + done, out.size() - done), std::move(d));
      });
      if (ec) {
        finish({errc::connection_lost, "write failed: " + ec.message()});
        writing_done_ = true;
        flushed_.notify_all();
        stream_->close();
        co_return;
      }
      done += n;
    }
    bytes_written_ += out.size();
    in_flight_ = 0;
    flushed_.notify_all();
    release_writable_waiters();
  }
  writing_done_ = true;
  flushed_.notify_all();
  if (!stream_closed_) {
    stream_closed_ = true;
    stream_->close();
  }
}

void transport_session::when_writable(detail::unique_function<void()> f) {
  if (close_reason_ || machine_->output_size() + in_flight_ < send_high_watermark) {
    asio::post(executor_, std::move(f));
    return;
  }
  writable_waiters_.push_back(std::move(f));
}

void transport_session::release_writable_waiters() {
  while (!writable_waiters_.empty() &&
         (close_reason_ || machine_->output_size() + in_flight_ < send_high_watermark)) {
    asio::post(executor_, std::move(writable_waiters_.front()));
    writable_waiters_.pop_front();
  }
}

asio::awaitable<result<void>> transport_session::wait_handshake() {
  while (!machine_->handshake_complete() || machine_->kex_in_progress()) {
    if (close_reason_) co_return *close_reason_;
    co_await packets_ready_.wait();
  }
  co_return result<void>{};
}

asio::awaitable<result<incoming_packet>> transport_session::receive() {
  while (true) {
    if (auto p = machine_->next_packet()) {
      // The queue drained a little: the reader may continue.
      input_allowed_.notify_all();
      co_return std::move(*p);
    }
    if (close_reason_) co_return *close_reason_;
    co_await packets_ready_.wait();
  }
}

result<void> transport_session::send(byte_view payload) {
  if (close_reason_) return *close_reason_;
  auto r = machine_->send(payload);
  if (machine_->has_output()) output_ready_.notify_all();
  return r;
}

result<void> transport_session::rekey() {
  if (close_reason_) return *close_reason_;
  auto r = machine_->request_rekey();
  if (machine_->has_output()) output_ready_.notify_all();
  return r;
}

asio::awaitable<result<void>> transport_session::flush() {
  while (machine_->has_output() && !writing_done_) co_await flushed_.wait();
  if (close_reason_) co_return *close_reason_;
  co_return result<void>{};
}

void transport_session::close(disconnect_reason reason, std::string_view description) {
  if (close_reason_) return;
  machine_->disconnect(reason, description);
  closing_ = true;
  finish({make_error_code(boost::asio::error::operation_aborted), "closed locally"});
}

void transport_session::fail(const sshlib::error& e, disconnect_reason reason) {
  if (close_reason_) return;
  machine_->disconnect(reason, e.detail.empty() ? e.message() : e.detail);
  closing_ = true;
  finish(e);
}

void transport_session::finish(sshlib::error e) {
  if (close_reason_) return;
  debug("connection ends: " + e.message());
  close_reason_ = std::move(e);
  closing_ = true;
  // Wake everyone: receivers get the error, the writer flushes any DISCONNECT and closes.
  packets_ready_.notify_all();
  input_allowed_.notify_all();
  output_ready_.notify_all();
  flushed_.notify_all();
  release_writable_waiters();
  if (hooks_.closed) hooks_.closed(*close_reason_);
}

}  // namespace sshlib::transport
