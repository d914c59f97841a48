// channel_impl and the public sshlib::channel / channel_request: flow control, parked reads
// and writes, requests, EOF and CLOSE.
#include "connection/channel_impl.hpp"
#include "connection/connection_core.hpp"

#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <sshlib/terminal_modes.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <cstring>

namespace sshlib {
namespace asio = boost::asio;
using boost::system::error_code;

// ---- channel_impl --------------------------------------------------------------------

void channel_impl::read(std::uint32_t data_type, asio::mutable_buffer b, read_done done) {
  auto& s = streams_[data_type == 0 ? 0 : 1];
  if (s.parked) return done(make_error_code(errc::invalid_value), 0);  // one read at a time
  s.parked.emplace(b, std::move(done));
  deliver(s);
}

std::size_t channel_impl::read_now(std::uint32_t data_type, asio::mutable_buffer b,
                                   error_code& ec) {
  auto& s = streams_[data_type == 0 ? 0 : 1];
  ec = {};
  if (s.parked) {
    ec = make_error_code(errc::invalid_value);  // an async read is in progress
    return 0;
  }
  if (s.size() > 0) return take(s, b);
  if (b.size() == 0) return 0;
  ec = read_ended() ? end_of_reading() : error_code(asio::error::would_block);
  return 0;
}

void channel_impl::wait_readable(std::uint32_t data_type, detail::completion<error_code> done) {
  auto& s = streams_[data_type == 0 ? 0 : 1];
  if (s.readable_waiter) return done(make_error_code(errc::invalid_value));  // one at a time
  if (s.size() > 0 || read_ended()) {
    asio::post(executor_, [d = std::move(done)]() mutable { d(error_code{}); });
    return;
  }
  s.readable_waiter = std::move(done);
}

error_code channel_impl::end_of_reading() const {
  // After our own close() nothing more will be delivered: reading ends as at EOF.
  return aborted_ && !eof_received_ && !close_received_ ? *aborted_ : error_code(asio::error::eof);
}

// Copies what fits of the buffered data and grants the window back for it.
std::size_t channel_impl::take(stream_buffer& s, asio::mutable_buffer b) {
  const std::size_t n = std::min(b.size(), s.size());
  std::memcpy(b.data(), s.data.data() + s.start, n);
  s.start += n;
  if (s.start == s.data.size()) {
    s.data.clear();
    s.start = 0;
  }
  maybe_adjust_window(n);
  return n;
}

void channel_impl::deliver(stream_buffer& s) {
  if (s.readable_waiter && (s.size() > 0 || read_ended())) {
    auto w = std::move(s.readable_waiter);
    s.readable_waiter = {};
    w(error_code{});
  }
  if (!s.parked) return;
  auto& [buffer, done] = *s.parked;
  if (s.size() > 0 && buffer.size() > 0) {
    auto d = std::move(done);
    const auto b = buffer;
    s.parked.reset();
    const std::size_t n = take(s, b);
    d(error_code{}, n);
    return;
  }
  if (buffer.size() == 0) {
    auto d = std::move(done);
    s.parked.reset();
    d(error_code{}, 0);
    return;
  }
  if (read_ended()) {
    auto d = std::move(done);
    s.parked.reset();
    d(end_of_reading(), 0);
  }
}

void channel_impl::maybe_adjust_window(std::size_t consumed) {
  // Grant the window back as the reader drains it, in batches of half a window: the
  // peer never has more than one window of data in flight or buffered here.
  unacknowledged_ += consumed;
  if (unacknowledged_ < connection::limits::default_window / 2 || close_sent_ || close_received_)
    return;
  const auto add = static_cast<std::uint32_t>(unacknowledged_);
  unacknowledged_ = 0;
  local_window_ += add;
  if (auto c = core()) c->send(connection::make_window_adjust(remote_id_, add));
}

void channel_impl::write(std::uint32_t data_type, asio::const_buffer b, read_done done) {
  if (aborted_) return done(*aborted_, 0);
  if (close_sent_ || close_received_ || eof_sent_)
    return done(make_error_code(errc::connection_closed), 0);
  writes_.push_back({data_type, b, std::move(done)});
  try_write();
}

void channel_impl::try_write() {
  if (write_in_progress_ || writes_.empty()) return;
  auto c = core();
  if (!c) return;
  if (remote_window_ == 0 && writes_.front().buffer.size() > 0) return;  // WINDOW_ADJUST resumes us
  write_in_progress_ = true;
  // Wait for room in the connection's send buffer, then send one packet's worth.
  c->session().when_writable([self = shared_from_this()] {
    self->write_in_progress_ = false;
    if (self->writes_.empty()) return;
    auto w = std::move(self->writes_.front());
    self->writes_.pop_front();
    if (self->aborted_) return w.done(*self->aborted_, 0);
    if (self->close_sent_ || self->close_received_)
      return w.done(make_error_code(errc::connection_closed), 0);
    const std::size_t n =
        std::min<std::size_t>({w.buffer.size(), self->remote_window_, self->remote_max_packet_});
    if (n == 0 && w.buffer.size() > 0) {
      self->writes_.push_front(std::move(w));  // the window closed meanwhile
      return;
    }
    bytes packet;
    packet.reserve(n + 16);
    connection::make_data(packet, self->remote_id_, w.data_type,
                          byte_view(static_cast<const std::uint8_t*>(w.buffer.data()), n));
    auto c2 = self->core();
    if (!c2 || !c2->send(packet)) return w.done(make_error_code(errc::connection_closed), 0);
    self->remote_window_ -= n;
    w.done(error_code{}, n);
    self->try_write();
  });
}

void channel_impl::request(std::string type, bool want_reply, bytes data,
                           detail::completion<error_code> done) {
  auto c = core();
  if (aborted_) return done(*aborted_);
  if (!c || close_sent_ || close_received_) return done(make_error_code(errc::connection_closed));
  // Opens of these kinds are refused unless a session asked for them.
  if (type == "x11-req") c->x11_requested = true;
  if (type == "auth-agent-req@openssh.com") c->agent_requested = true;
  if (!c->send(connection::make_channel_request(remote_id_, type, want_reply, data))) {
    return done(make_error_code(errc::connection_closed));
  }
  if (want_reply) {
    pending_requests_.push_back(std::move(done));
  } else {
    done(error_code{});
  }
}

void channel_impl::send_eof() {
  if (eof_sent_ || close_sent_ || !open_) return;
  eof_sent_ = true;
  if (auto c = core()) c->send(connection::make_eof(remote_id_));
}

void channel_impl::close() {
  if (close_sent_ || !open_) return;
  close_sent_ = true;
  if (auto c = core()) c->send(connection::make_close(remote_id_));
  for (auto& s : streams_) deliver(s);
  while (!writes_.empty()) {
    auto w = std::move(writes_.front());
    writes_.pop_front();
    w.done(make_error_code(errc::connection_closed), 0);
  }
  finish_if_closed();
}

void channel_impl::wait_closed(detail::completion<error_code> done) {
  if ((close_sent_ && close_received_) || aborted_) return done(aborted_.value_or(error_code{}));
  closed_waiters_.push_back(std::move(done));
}

void channel_impl::opened(std::uint32_t remote_id, std::uint32_t remote_window,
                          std::uint32_t remote_max_packet) {
  remote_id_ = remote_id;
  remote_window_ = remote_window;
  remote_max_packet_ =
      std::min<std::uint32_t>(remote_max_packet, connection::limits::default_max_packet);
  if (remote_max_packet_ == 0) remote_max_packet_ = 1;
  open_ = true;
}

result<void> channel_impl::on_data(std::uint32_t data_type, byte_view data) {
  if (data.size() > local_window_) {
    return error{errc::window_exceeded,
                 "channel " + std::to_string(local_id_) + ": " + std::to_string(data.size()) +
                     " bytes with a window of " + std::to_string(local_window_)};
  }
  local_window_ -= static_cast<std::uint32_t>(data.size());
  if (data_type > 1 || close_sent_) {
    // Unknown extended types are dropped, but their window still comes back.
    maybe_adjust_window(data.size());
    return {};
  }
  auto& s = streams_[data_type];
  if (s.size() == 0 && s.parked && s.parked->first.size() > 0) {
    // A reader is waiting: straight into its buffer, and only what does not fit is kept.
    auto [buffer, done] = std::move(*s.parked);
    s.parked.reset();
    const std::size_t n = std::min(buffer.size(), data.size());
    std::memcpy(buffer.data(), data.data(), n);
    data = data.subspan(n);
    if (!data.empty()) s.data.assign(data.begin(), data.end());
    maybe_adjust_window(n);
    done(error_code{}, n);
    if (s.size() > 0) deliver(s);  // the reader may have parked again, or be waiting
    return {};
  }
  // Drop what the reader has consumed once it is at least half the buffer: a reader that
  // never empties the buffer completely (it asks for less than is waiting while more
  // arrives) would otherwise keep every byte ever received.
  if (s.start > 0 && s.start >= s.data.size() / 2) {
    s.data.erase(s.data.begin(), s.data.begin() + static_cast<std::ptrdiff_t>(s.start));
    s.start = 0;
  }
  s.data.insert(s.data.end(), data.begin(), data.end());
  deliver(s);
  return {};
}

void channel_impl::on_window_adjust(std::uint32_t add) {
  // RFC 4254 section 5.2: the window may not exceed 2^32 - 1.
  remote_window_ = std::min<std::uint64_t>(remote_window_ + add, 0xffffffffu);
  try_write();
}

void channel_impl::on_eof() {
  eof_received_ = true;
  for (auto& s : streams_) deliver(s);
}

void channel_impl::on_close() {
  close_received_ = true;
  eof_received_ = true;
  if (!close_sent_) {
    close_sent_ = true;
    if (auto c = core()) c->send(connection::make_close(remote_id_));
  }
  for (auto& s : streams_) deliver(s);
  while (!writes_.empty()) {
    auto w = std::move(writes_.front());
    writes_.pop_front();
    w.done(make_error_code(errc::connection_closed), 0);
  }
  while (!pending_requests_.empty()) {
    auto d = std::move(pending_requests_.front());
    pending_requests_.pop_front();
    d(make_error_code(errc::connection_closed));
  }
  finish_if_closed();
}

void channel_impl::release_handler() {
  // A handler commonly captures its own channel: dropping it breaks that cycle. If it is
  // running right now it is destroyed from a posted task instead.
  if (request_handler_ && in_request_handler_)
    asio::post(executor_, [h = std::move(request_handler_)] {});
  request_handler_ = nullptr;
}

void channel_impl::finish_if_closed() {
  if (!(close_sent_ && close_received_)) return;
  release_handler();
  for (auto& w : closed_waiters_) w(error_code{});
  closed_waiters_.clear();
  if (auto c = core()) c->channel_closed(local_id_);
}

void channel_impl::on_request_reply(bool success) {
  if (pending_requests_.empty()) return;
  auto d = std::move(pending_requests_.front());
  pending_requests_.pop_front();
  d(success ? error_code{} : make_error_code(errc::request_refused));
}

void channel_impl::flush_replies() {
  while (!reply_queue_.empty() && reply_queue_.front()->decided) {
    const bool ok = reply_queue_.front()->ok;
    reply_queue_.pop_front();
    if (close_sent_) continue;
    if (auto c = core()) {
      c->send(ok ? connection::make_channel_success(remote_id_)
                 : connection::make_channel_failure(remote_id_));
    }
  }
}

result<void> channel_impl::on_request(const connection::channel_request_message& m) {
  wire::reader r(m.data);
  // What a client hears about its command (RFC 4254 sections 6.10).
  if (m.type == "exit-status") {
    std::uint32_t code = 0;
    if (r.read_u32(code)) exit_.code = code;
    return {};
  }
  if (m.type == "exit-signal") {
    std::string lang;
    r.read_string(exit_.signal, 64) && r.read_bool(exit_.core_dumped) &&
        r.read_string(exit_.message, 4096) && r.read_string(lang, 256);
    return {};
  }
  auto self = shared_from_this();
  // RFC 4254 section 5.4: replies go out in request order, however the application answers.
  std::function<void(bool)> reply = [](bool) {};
  if (m.want_reply) {
    if (reply_queue_.size() >= connection::limits::max_pending_channel_requests) {
      return error{errc::protocol_error,
                   "channel " + std::to_string(local_id_) + ": more than " +
                       std::to_string(connection::limits::max_pending_channel_requests) +
                       " requests waiting for replies"};
    }
    auto slot = std::make_shared<pending_reply>();
    reply_queue_.push_back(slot);
    reply = [self, slot](bool ok) {
      if (slot->decided) return;
      slot->decided = true;
      slot->ok = ok;
      self->flush_replies();
    };
  }
  if (!request_handler_) {
    reply(false);
    return {};
  }
  channel_request req(m.type, m.want_reply, bytes(m.data.begin(), m.data.end()), reply);
  // Known requests whose fields do not decode are refused here: the application only ever
  // sees well-formed ones, and the channel (and the connection) carry on.
  bool well_formed = true;
  if (m.type == "exec" || m.type == "subsystem" || m.type == "signal") {
    well_formed = r.read_string(req.text_, connection::limits::max_request_data);
  } else if (m.type == "env") {
    std::string name, value;
    well_formed = r.read_string(name, 4096) && r.read_string(value, 64 * 1024);
    if (well_formed) {
      req.text_ = name + "=" + value;
      req.env_name_ = std::move(name);
      req.env_value_ = std::move(value);
    }
  } else if (m.type == "x11-req") {
    x11_settings x;
    well_formed = r.read_bool(x.single_connection) && r.read_string(x.auth_protocol, 256) &&
                  r.read_string(x.auth_cookie, 1024) && r.read_u32(x.screen);
    if (well_formed) req.x11_ = std::move(x);
  } else if (m.type == "pty-req" || m.type == "window-change") {
    pty_settings p;
    if (m.type == "pty-req") well_formed = r.read_string(p.term, 256);
    well_formed = well_formed && r.read_u32(p.cols) && r.read_u32(p.rows) &&
                  r.read_u32(p.width_px) && r.read_u32(p.height_px);
    if (well_formed && m.type == "pty-req") well_formed = r.read_string(p.modes, 4096);
    // Normalise to pty_settings' convention (no TTY_OP_END); undecodable modes stay raw.
    if (well_formed && m.type == "pty-req") {
      if (auto decoded = decode_terminal_modes(byte_view(p.modes)))
        p.modes = encode_terminal_modes(*decoded);
    }
    if (well_formed) req.pty_ = std::move(p);
  }
  if (!well_formed) {
    if (auto c = core())
      c->session().debug("refused malformed " + m.type + " request on channel " +
                         std::to_string(local_id_));
    req.reject();
    return {};
  }
  in_request_handler_ = true;
  request_handler_(std::move(req));
  in_request_handler_ = false;
  return {};
}

void channel_impl::refused(open_failure_info why) {
  open_failure_ = std::move(why);
  aborted_ = make_error_code(errc::channel_open_failed);
}

void channel_impl::abort(const error_code& ec) {
  if (aborted_) return;
  aborted_ = ec;
  for (auto& s : streams_) deliver(s);
  while (!writes_.empty()) {
    auto w = std::move(writes_.front());
    writes_.pop_front();
    w.done(ec, 0);
  }
  while (!pending_requests_.empty()) {
    auto d = std::move(pending_requests_.front());
    pending_requests_.pop_front();
    d(ec);
  }
  for (auto& w : closed_waiters_) w(ec);
  closed_waiters_.clear();
  release_handler();
}

// ---- channel_request -----------------------------------------------------------------

channel_request::channel_request(std::string type, bool want_reply, bytes data,
                                 std::function<void(bool)> reply)
    : type_(std::move(type)),
      want_reply_(want_reply),
      data_(std::move(data)),
      reply_(std::move(reply)) {}
channel_request::channel_request(channel_request&&) noexcept = default;
channel_request& channel_request::operator=(channel_request&&) noexcept = default;
channel_request::~channel_request() {
  if (reply_) reply_(false);  // unanswered: refused
}
void channel_request::accept() {
  if (auto r = std::exchange(reply_, nullptr)) r(true);
}
void channel_request::reject() {
  if (auto r = std::exchange(reply_, nullptr)) r(false);
}

// ---- channel -------------------------------------------------------------------------

channel::executor_type channel::get_executor() const {
  return impl_->executor();
}
bool channel::is_open() const noexcept {
  return impl_ && impl_->open_ && !impl_->close_sent_ && !impl_->close_received_;
}
// The accessors below also answer for an empty channel (default-constructed, or the one an
// open that failed before reaching the peer completes with): nothing to report.
std::string channel::type() const {
  return impl_ ? impl_->type() : std::string();
}
const exit_info& channel::exit_status() const {
  static const exit_info none;
  return impl_ ? impl_->exit_ : none;
}
const std::optional<open_failure_info>& channel::open_failure() const {
  static const std::optional<open_failure_info> none;
  return impl_ ? impl_->open_failure_ : none;
}
bool channel::eof_received() const noexcept {
  return impl_ && impl_->eof_received_;
}
void channel::on_request(std::function<void(channel_request)> handler) {
  impl_->request_handler_ = std::move(handler);
}
void channel::send_eof() {
  impl_->send_eof();
}
void channel::close() {
  impl_->close();
}

void channel::do_read(std::uint32_t t, asio::mutable_buffer b,
                      detail::completion<error_code, std::size_t> done) {
  impl_->read(t, b, std::move(done));
}
void channel::do_write(std::uint32_t t, asio::const_buffer b,
                       detail::completion<error_code, std::size_t> done) {
  impl_->write(t, b, std::move(done));
}
void channel::do_request(std::string type, bool want_reply, bytes data,
                         detail::completion<error_code> done) {
  impl_->request(std::move(type), want_reply, std::move(data), std::move(done));
}
void channel::do_wait_closed(detail::completion<error_code> done) {
  impl_->wait_closed(std::move(done));
}
void channel::do_wait_readable(std::uint32_t t, detail::completion<error_code> done) {
  impl_->wait_readable(t, std::move(done));
}
std::size_t channel::do_read_now(std::uint32_t t, asio::mutable_buffer b, error_code& ec) {
  return impl_->read_now(t, b, ec);
}

bytes channel::string_field(std::string_view a) {
  bytes out;
  wire::writer(out).write_string(a);
  return out;
}

bytes channel::two_strings(std::string_view a, std::string_view b) {
  bytes out;
  wire::writer w(out);
  w.write_string(a);
  w.write_string(b);
  return out;
}

bytes encode_x11_request(const x11_settings& x11) {
  bytes d;
  wire::writer w(d);
  w.write_bool(x11.single_connection);
  w.write_string(x11.auth_protocol);
  w.write_string(x11.auth_cookie);
  w.write_u32(x11.screen);
  return d;
}

bytes channel::encode_pty(const pty_settings& pty) {
  bytes out;
  wire::writer w(out);
  w.write_string(pty.term);
  w.write_u32(pty.cols);
  w.write_u32(pty.rows);
  w.write_u32(pty.width_px);
  w.write_u32(pty.height_px);
  bytes modes = pty.modes;
  modes.push_back(0);  // TTY_OP_END
  w.write_string(modes);
  return out;
}

void channel::window_change(std::uint32_t rows, std::uint32_t cols, std::uint32_t height_px,
                            std::uint32_t width_px) {
  bytes d;
  wire::writer w(d);
  w.write_u32(cols);
  w.write_u32(rows);
  w.write_u32(width_px);
  w.write_u32(height_px);
  impl_->request("window-change", false, std::move(d), [](error_code) {});
}

void channel::signal(std::string name) {
  impl_->request("signal", false, string_field(name), [](error_code) {});
}

void channel::exit(std::uint32_t code) {
  bytes d;
  wire::writer(d).write_u32(code);
  impl_->request("exit-status", false, std::move(d), [](error_code) {});
}

void channel::exit_signal(std::string signal_name, bool core_dumped, std::string message) {
  bytes d;
  wire::writer w(d);
  w.write_string(signal_name);
  w.write_bool(core_dumped);
  w.write_string(message);
  w.write_string(std::string_view{});
  impl_->request("exit-signal", false, std::move(d), [](error_code) {});
}

}  // namespace sshlib
