// sftp_client_impl: the request table, the write queue and reply framing.
#include "sftp/sftp_client_impl.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

namespace sshlib {
namespace asio = boost::asio;
using boost::system::error_code;
namespace protocol = sftp::protocol;

namespace {
// Requests are batched into one channel write up to this size.
constexpr std::size_t write_batch = 256 * 1024;
}  // namespace

sftp_client_impl::sftp_client_impl(channel ch, sftp_options options)
    : channel_(std::move(ch)), options_(std::move(options)) {
  if (options_.max_outstanding_requests == 0) options_.max_outstanding_requests = 1;
}

sftp_client_impl::~sftp_client_impl() { channel_.close(); }

void sftp_client_impl::start(detail::unique_function<void(error_code)> done) {
  auto init = protocol::encode_request(protocol::init_request{});
  if (!init) return done(init.error().code);
  version_waiter_.emplace(std::move(done));
  outgoing_.push_back(std::move(*init));
  debug("sending INIT (version 3)");
  write_next();
  read_more();
}

bool sftp_client_impl::has_extension(std::string_view name) const {
  return std::any_of(extensions_.begin(), extensions_.end(), [&](const auto& e) { return e.first == name; });
}

std::size_t sftp_client_impl::max_read() const noexcept {
  const auto cap = protocol::limits::max_data_length;
  return limits_.max_read_length > 0 ? static_cast<std::size_t>(std::min<std::uint64_t>(limits_.max_read_length, cap))
                                     : std::size_t{32768};  // the draft's minimum every server serves
}

std::size_t sftp_client_impl::max_write() const noexcept {
  const auto cap = protocol::limits::max_data_length;
  return limits_.max_write_length > 0 ? static_cast<std::size_t>(std::min<std::uint64_t>(limits_.max_write_length, cap))
                                      : std::size_t{32768};
}

void sftp_client_impl::send(protocol::request request, reply_handler on_reply) {
  if (failed_) return on_reply(*failed_, nullptr);
  const std::uint32_t id = next_id_++;
  std::visit(
      [id](auto& m) {
        if constexpr (requires { m.id; }) m.id = id;
      },
      request);
  queued q{id, std::move(request), std::move(on_reply)};
  if (pending_.size() >= options_.max_outstanding_requests) {
    waiting_.push_back(std::move(q));
    return;
  }
  transmit(std::move(q));
}

void sftp_client_impl::transmit(queued q) {
  auto packet = protocol::encode_request(q.request);
  if (!packet) return q.on_reply(packet.error().code, nullptr);
  if (options_.debug) debug("sending request " + std::to_string(q.id) + " (" + std::to_string(packet->size()) + " bytes)");
  pending_.emplace(q.id, std::move(q.on_reply));
  outgoing_.push_back(std::move(*packet));
  write_next();
}

void sftp_client_impl::write_next() {
  if (write_in_progress_ || outgoing_.empty() || failed_) return;
  writing_.clear();
  while (!outgoing_.empty() && (writing_.empty() || writing_.size() + outgoing_.front().size() <= write_batch)) {
    writing_.insert(writing_.end(), outgoing_.front().begin(), outgoing_.front().end());
    outgoing_.pop_front();
  }
  write_in_progress_ = true;
  asio::async_write(channel_, asio::buffer(writing_), [weak = weak_from_this()](error_code ec, std::size_t) {
    auto self = weak.lock();
    if (!self) return;
    self->write_in_progress_ = false;
    if (ec) return self->fail(ec, "writing to the channel failed: " + ec.message());
    self->write_next();
  });
}

void sftp_client_impl::read_more() {
  if (failed_) return;
  const auto space = input_.prepare();
  channel_.async_read_some(asio::buffer(space.data(), space.size()), [weak = weak_from_this()](error_code ec, std::size_t n) {
    auto self = weak.lock();
    if (!self) return;
    if (ec) {
      return self->fail(make_error_code(errc::connection_closed),
                        ec == asio::error::eof ? "the server ended the SFTP channel"
                                               : "reading the channel failed: " + ec.message());
    }
    self->on_bytes(n);
  });
}

void sftp_client_impl::on_bytes(std::size_t n) {
  input_.commit(n);
  while (true) {
    auto payload = input_.next();
    if (!payload) return fail(payload.error().code, "bad reply: " + payload.error().message());
    if (!*payload) break;
    auto reply = protocol::decode_response(**payload);
    if (!reply) return fail(make_error_code(errc::sftp_protocol_error), "bad reply: " + reply.error().message());
    if (!dispatch(std::move(*reply))) return;
  }
  read_more();
}

bool sftp_client_impl::dispatch(protocol::response&& r) {
  if (auto* v = std::get_if<protocol::version_response>(&r)) {
    if (!version_waiter_) {
      fail(make_error_code(errc::sftp_protocol_error), "a second VERSION");
      return false;
    }
    if (v->version != sftp::protocol_version) debug("the server speaks version " + std::to_string(v->version) + "; using 3");
    for (auto& e : v->extensions) extensions_.emplace_back(std::move(e.name), std::move(e.data));
    debug("VERSION received with " + std::to_string(extensions_.size()) + " extensions");
    auto done = std::move(*version_waiter_);
    version_waiter_.reset();
    if (!has_extension("limits@openssh.com")) {
      done(error_code{});
      return true;
    }
    send(protocol::limits_request{}, [this, done = std::move(done)](error_code ec, protocol::response* reply) mutable {
      // A server that announces limits but does not answer keeps the defaults.
      if (!ec && reply != nullptr) {
        if (auto* x = std::get_if<protocol::extended_reply>(reply)) {
          auto body = protocol::decode_extended_reply("limits@openssh.com", x->data);
          if (body && std::holds_alternative<sftp::server_limits>(*body)) limits_ = std::get<sftp::server_limits>(*body);
        }
      }
      done(ec);
    });
    return true;
  }
  if (version_waiter_) {
    fail(make_error_code(errc::sftp_protocol_error), "a reply before VERSION");
    return false;
  }
  const std::uint32_t id = std::visit(
      [](const auto& m) -> std::uint32_t {
        if constexpr (requires { m.id; }) {
          return m.id;
        } else {
          return 0;
        }
      },
      r);
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    debug("a reply to request " + std::to_string(id) + ", which is not waiting: ignored");
    return true;
  }
  auto handler = std::move(it->second);
  pending_.erase(it);
  handler(error_code{}, &r);
  while (!failed_ && !waiting_.empty() && pending_.size() < options_.max_outstanding_requests) {
    auto q = std::move(waiting_.front());
    waiting_.pop_front();
    transmit(std::move(q));
  }
  return !failed_;
}

void sftp_client_impl::close() { fail(make_error_code(errc::connection_closed), "closed by the application"); }

void sftp_client_impl::fail(error_code ec, std::string_view why) {
  if (failed_) return;
  failed_ = ec;
  debug(std::string("SFTP session ends: ") + std::string(why));
  channel_.close();
  if (version_waiter_) {
    auto w = std::move(*version_waiter_);
    version_waiter_.reset();
    w(ec);
  }
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, h] : pending) h(ec, nullptr);
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& q : waiting) q.on_reply(ec, nullptr);
}

void sftp_client_impl::debug(std::string_view line) const {
  if (options_.debug) options_.debug(line);
}

}  // namespace sshlib
