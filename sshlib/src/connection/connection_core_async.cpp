#include "connection/connection_core.hpp"
#include "connection/hostkeys.hpp"

#include "transport/message_numbers.hpp"
#include "wire/reader.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace sshlib::connection {
namespace asio = boost::asio;
using boost::system::error_code;

connection_core::connection_core(std::shared_ptr<transport::transport_session> session, bool is_client, core_hooks hooks)
    : session_(std::move(session)), is_client_(is_client), hooks_(std::move(hooks)), keepalive_timer_(session_->get_executor()) {}

connection_core::~connection_core() {
  for (auto& [id, ch] : channels_) ch->abort(make_error_code(errc::connection_closed));
}

void connection_core::start() {
  auto self = shared_from_this();
  asio::co_spawn(session_->get_executor(), [self]() { return self->dispatch_loop(); }, asio::detached);
}

bool connection_core::send(byte_view payload) { return session_->send(payload).has_value(); }

asio::awaitable<void> connection_core::dispatch_loop() {
  auto self = shared_from_this();
  while (true) {
    auto p = co_await session_->receive();
    if (!p) break;
    if (auto r = dispatch(*p); !r) {
      session_->fail(r.error());
      break;
    }
  }
  // The connection is gone: every channel and request learns it.
  const error_code ec = session_->close_reason() ? session_->close_reason()->code : make_error_code(errc::connection_closed);
  keepalive_timer_.cancel();
  auto channels = std::move(channels_);
  for (auto& [id, ch] : channels) ch->abort(ec);
  auto opens = std::move(pending_opens_);
  for (auto& [id, done] : opens) done(ec, channel{});
  auto globals = std::move(pending_global_);
  for (auto& done : globals) done(ec, bytes{});
  incoming_global_.clear();
  finished_ = true;
  auto waiters = std::move(closed_waiters_);
  for (auto& w : waiters) w(ec);
}

void connection_core::wait_closed(detail::completion<error_code> done) {
  if (finished_) {
    return done(session_->close_reason() ? session_->close_reason()->code : make_error_code(errc::connection_closed));
  }
  closed_waiters_.push_back(std::move(done));
}

result<void> connection_core::dispatch(const transport::incoming_packet& p) {
  const std::uint8_t n = p.payload[0];
  switch (n) {
    case msg::global_request: return on_global_request(p.payload);
    case msg::request_success:
    case msg::request_failure: {
      keepalive_outstanding_ = 0;  // any reply shows the peer is alive
      if (pending_global_.empty()) return error{errc::protocol_error, "global request reply without a request"};
      auto done = std::move(pending_global_.front());
      pending_global_.pop_front();
      if (n == msg::request_success) {
        done(error_code{}, bytes(p.payload.begin() + 1, p.payload.end()));
      } else {
        done(make_error_code(errc::request_refused), bytes{});
      }
      return {};
    }
    case msg::channel_open: return on_channel_open(p.payload);
    default: break;
  }
  if (n >= msg::channel_open_confirmation && n <= msg::channel_failure) return on_channel_message(p.payload);
  if (n >= 50 && n <= 79) return error{errc::protocol_error, "authentication message after authentication"};
  session_->machine().send_unimplemented(p.sequence);
  return {};
}

result<void> connection_core::on_global_request(byte_view payload) {
  auto m = parse_global_request(payload);
  if (!m) return m.error();
  if (incoming_global_.size() >= max_pending_global_requests) {
    return error{errc::protocol_error, "more than " + std::to_string(max_pending_global_requests) +
                                           " global requests waiting for replies"};
  }
  auto slot = std::make_shared<reply_slot>();
  slot->want_reply = m->want_reply;
  incoming_global_.push_back(slot);
  bool ok = false;
  bytes reply_data;
  if (m->name == "no-more-sessions@openssh.com" && !is_client_) {
    no_more_sessions_ = true;
    ok = true;
  } else if (m->name == hostkeys_announce_name && is_client_) {
    on_hostkeys_announced(m->data);
    ok = true;
  } else if (m->name == hostkeys_prove_name && !is_client_) {
    const auto& sid = session_->machine().session_id();
    auto proof = prove_hostkeys(m->data, hooks_.host_keys, sid ? byte_view(*sid) : byte_view{}, rsa_host_key_algorithm());
    if (proof) {
      ok = true;
      reply_data = std::move(*proof);
    }
  } else if (m->name == "keepalive@openssh.com") {
    ok = false;  // OpenSSH answers FAILURE too: the reply is the point
  } else if (hooks_.global_request) {
    auto request = make_application_request(*m, weak_from_this(), slot);
    if (request) {
      hooks_.global_request(std::move(*request));  // answered through the slot, now or later
      return {};
    }
  }
  answer_global(slot, ok, std::move(reply_data));
  return {};
}

void connection_core::answer_global(const std::shared_ptr<reply_slot>& slot, bool ok, bytes data) {
  if (slot->decided) return;
  slot->decided = true;
  slot->ok = ok;
  slot->data = std::move(data);
  flush_global_replies();
}

void connection_core::flush_global_replies() {
  while (!incoming_global_.empty() && incoming_global_.front()->decided) {
    auto slot = std::move(incoming_global_.front());
    incoming_global_.pop_front();
    if (slot->want_reply) send(slot->ok ? make_request_success(slot->data) : make_request_failure());
  }
}

// OpenSSH PROTOCOL 2.5: ask the server to prove the keys it announced, and report only
// proven ones. A failed proof reports nothing: a server that cannot sign for a key it lists
// must not get it written to known_hosts.
void connection_core::on_hostkeys_announced(byte_view body) {
  if (!hooks_.hostkeys) return;
  auto keys = parse_hostkeys_announcement(body);
  if (!keys) {
    if (hooks_.debug) hooks_.debug("ignoring host key announcement: " + keys.error().message());
    return;
  }
  if (keys->empty()) return;
  std::weak_ptr<connection_core> weak = weak_from_this();
  auto request = hostkeys_prove_request(*keys);
  global_request(std::string(hostkeys_prove_name), true, std::move(request),
                 [weak, keys = std::move(*keys)](error_code ec, bytes reply) mutable {
                   auto self = weak.lock();
                   if (!self || !self->hooks_.hostkeys) return;
                   if (ec) {
                     if (self->hooks_.debug) self->hooks_.debug("server refused to prove its host keys: " + ec.message());
                     return;
                   }
                   const auto& sid = self->session_->machine().session_id();
                   if (!sid) return;
                   if (auto v = verify_hostkeys_proof(reply, keys, *sid); !v) {
                     if (self->hooks_.debug) self->hooks_.debug("ignoring host key announcement: " + v.error().message());
                     return;
                   }
                   self->hooks_.hostkeys(std::move(keys));
                 });
}

// The RSA signature algorithm for proofs: the negotiated one when the key exchange used an
// RSA host key, else rsa-sha2-512 (as sshd chooses).
std::string connection_core::rsa_host_key_algorithm() const {
  const auto& n = session_->machine().negotiated();
  if (n && (n->host_key.starts_with("rsa-sha2-256"))) return "rsa-sha2-256";
  return "rsa-sha2-512";
}

std::optional<std::uint32_t> connection_core::allocate_id() {
  if (channels_.size() + pending_opens_.size() >= limits::max_channels) return std::nullopt;
  while (channels_.contains(next_id_) || pending_opens_.contains(next_id_)) ++next_id_;
  return next_id_++;
}

result<void> connection_core::on_channel_open(byte_view payload) {
  auto m = parse_channel_open(payload);
  if (!m) return m.error();
  const std::uint32_t peer_id = m->sender_channel;
  auto id = allocate_id();
  if (!id) {
    send(make_open_failure(peer_id, open_failure_reason::resource_shortage, "too many channels"));
    return {};
  }
  if (m->type == "session" && no_more_sessions_) {
    // OpenSSH treats this as an attack on a client that promised no more sessions.
    return error{errc::protocol_error, "session opened after no-more-sessions@openssh.com"};
  }
  if (!hooks_.channel_open) {
    send(make_open_failure(peer_id, open_failure_reason::administratively_prohibited, "channels are not accepted"));
    return {};
  }
  open_request req;
  if (!decode_open_fields(m->type, m->data, req)) {
    send(make_open_failure(peer_id, open_failure_reason::connect_failed, "malformed " + m->type + " open"));
    return {};
  }
  auto ch = std::make_shared<channel_impl>(weak_from_this(), executor(), m->type, *id);
  ch->opened(peer_id, m->initial_window, m->max_packet);
  std::weak_ptr<connection_core> weak = weak_from_this();
  auto decided = std::make_shared<bool>(false);
  req.type = m->type;
  req.data.assign(m->data.begin(), m->data.end());
  req.accept = [weak, ch, decided, local = *id, peer_id]() -> channel {
    auto self = weak.lock();
    if (!self || *decided) return channel(ch);
    *decided = true;
    self->channels_[local] = ch;
    self->send(make_open_confirmation(peer_id, local, limits::default_window, limits::default_max_packet));
    return channel(ch);
  };
  req.reject = [weak, decided, peer_id](channel_open_failure reason, std::string description) {
    auto self = weak.lock();
    if (!self || *decided) return;
    *decided = true;
    self->send(make_open_failure(peer_id, static_cast<open_failure_reason>(reason), description));
  };
  hooks_.channel_open(std::move(req));
  return {};
}

result<void> connection_core::on_channel_message(byte_view payload) {
  auto id = recipient_channel(payload);
  if (!id) return id.error();
  const std::uint8_t n = payload[0];
  if (n == msg::channel_open_confirmation || n == msg::channel_open_failure) {
    auto it = pending_opens_.find(*id);
    if (it == pending_opens_.end()) return error{errc::protocol_error, "open reply for unknown channel " + std::to_string(*id)};
    auto done = std::move(it->second);
    pending_opens_.erase(it);
    if (n == msg::channel_open_failure) {
      auto f = parse_open_failure(payload);
      if (!f) return f.error();
      // A closed handle that only says why: callers relaying the refusal (a proxy) need it.
      auto failed = std::make_shared<channel_impl>(weak_from_this(), executor(), open_types_[*id], *id);
      open_types_.erase(*id);
      failed->refused(open_failure_info{static_cast<channel_open_failure>(f->reason), f->description});
      session_->debug("channel open refused (" + std::to_string(f->reason) + "): " + f->description);
      done(make_error_code(errc::channel_open_failed), channel(failed));
      return {};
    }
    auto c = parse_open_confirmation(payload);
    if (!c) return c.error();
    auto ch = open_types_.count(*id) ? std::make_shared<channel_impl>(weak_from_this(), executor(), open_types_[*id], *id)
                                     : std::make_shared<channel_impl>(weak_from_this(), executor(), "", *id);
    open_types_.erase(*id);
    ch->opened(c->sender, c->initial_window, c->max_packet);
    channels_[*id] = ch;
    done(error_code{}, channel(ch));
    return {};
  }
  auto it = channels_.find(*id);
  if (it == channels_.end()) {
    // A channel leaves the table only once the peer's CLOSE has arrived (our CLOSE may still
    // cross its messages until then), and ids are not reused: nothing may follow.
    const bool was_ours = *id < next_id_;
    return error{errc::protocol_error, "message " + std::to_string(n) + " for " + (was_ours ? "closed" : "unknown") +
                                           " channel " + std::to_string(*id)};
  }
  auto ch = it->second;  // keep it alive through callbacks that may remove it
  switch (n) {
    case msg::channel_window_adjust: {
      auto add = parse_window_adjust(payload);
      if (!add) return add.error();
      ch->on_window_adjust(*add);
      return {};
    }
    case msg::channel_data:
    case msg::channel_extended_data: {
      auto d = parse_data(payload, limits::default_max_packet);
      if (!d) return d.error();
      return ch->on_data(d->data_type, d->data);
    }
    case msg::channel_eof: ch->on_eof(); return {};
    case msg::channel_close: ch->on_close(); return {};
    case msg::channel_request: {
      auto r = parse_channel_request(payload);
      if (!r) return r.error();
      return ch->on_request(*r);
    }
    case msg::channel_success: ch->on_request_reply(true); return {};
    case msg::channel_failure: ch->on_request_reply(false); return {};
    default: return {};
  }
}

void connection_core::channel_closed(std::uint32_t local_id) { channels_.erase(local_id); }

void connection_core::open_channel(std::string type, bytes data, detail::completion<error_code, channel> done) {
  if (session_->is_closed()) return done(make_error_code(errc::connection_closed), channel{});
  auto id = allocate_id();
  if (!id) return done(make_error_code(errc::too_many_channels), channel{});
  if (!send(make_channel_open(type, *id, limits::default_window, limits::default_max_packet, data))) {
    return done(make_error_code(errc::connection_closed), channel{});
  }
  open_types_[*id] = std::move(type);
  pending_opens_.emplace(*id, std::move(done));
}

void connection_core::global_request(std::string name, bool want_reply, bytes data,
                                     detail::completion<error_code, bytes> done) {
  if (!send(make_global_request(name, want_reply, data))) return done(make_error_code(errc::connection_closed), bytes{});
  if (want_reply) {
    pending_global_.push_back(std::move(done));
  } else {
    done(error_code{}, bytes{});
  }
}

void connection_core::start_keepalive(std::chrono::milliseconds interval, unsigned count_max) {
  keepalive_interval_ = interval;
  keepalive_count_max_ = count_max;
  if (interval.count() > 0) keepalive_tick();
}

void connection_core::keepalive_tick() {
  keepalive_timer_.expires_after(keepalive_interval_);
  std::weak_ptr<connection_core> weak = weak_from_this();
  keepalive_timer_.async_wait([weak](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->session_->is_closed()) return;
    if (self->keepalive_outstanding_ >= self->keepalive_count_max_) {
      self->session_->fail({errc::timeout, "no reply to " + std::to_string(self->keepalive_outstanding_) + " keepalives"});
      return;
    }
    ++self->keepalive_outstanding_;
    self->global_request("keepalive@openssh.com", true, {}, [](error_code, bytes) {});
    self->keepalive_tick();
  });
}

}  // namespace sshlib::connection
