// sftp_server::async_serve: the session's reading, decoding and writing. A request goes to
// the handlers as soon as it is decoded; its reply comes back through deliver(), possibly
// from another thread and out of order, and is written with whatever else is queued.
// Reading pauses while max_requests_in_flight requests are unanswered or more than
// max_queued_replies bytes of replies wait for the channel.
#include "sftp/sftp_server_session.hpp"

#include "sftp/sftp_codec.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace sshlib {
namespace sftp_detail {
namespace asio = boost::asio;
using boost::system::error_code;
namespace protocol = sftp::protocol;

namespace {
constexpr std::size_t write_batch = 256 * 1024;
constexpr std::size_t max_queued_replies = 4 * 1024 * 1024;
}  // namespace

server_session::server_session(channel ch, std::shared_ptr<sftp_server_handlers> handlers,
                               sftp_server_options options, detail::completion<error_code> done)
    : ch_(std::move(ch)),
      executor_(ch_.get_executor()),
      handlers_(std::move(handlers)),
      options_(std::move(options)),
      done_(std::move(done)) {
  if (options_.max_requests_in_flight == 0) options_.max_requests_in_flight = 1;
}

std::size_t server_session::queued() const {
  std::size_t n = 0;
  for (const auto& b : writing_) n += b.size();
  for (const auto& b : out_) n += b.size();
  return n;
}

void server_session::read_more() {
  if (ended_ || closing_ || read_pending_) return;
  // Resumed by write_next once replies drain, and by on_reply.
  if (queued() > max_queued_replies || in_flight_ >= options_.max_requests_in_flight) return;
  const auto space = input_.prepare();
  read_pending_ = true;
  ch_.async_read_some(asio::buffer(space.data(), space.size()),
                      [self = shared_from_this()](error_code ec, std::size_t n) {
                        self->read_pending_ = false;
                        if (ec) return self->on_end(ec);
                        self->on_bytes(n);
                      });
}

void server_session::on_end(error_code ec) {
  if (ec != asio::error::eof) return finish(ec);
  closing_ = true;  // the client is done: answer what it sent, then close
  if (!write_in_progress_ && out_.empty() && in_flight_ == 0) finish(error_code{});
}

void server_session::on_bytes(std::size_t n) {
  input_.commit(n);
  while (!ended_) {
    auto payload = input_.next();
    if (!payload) return fail("bad frame: " + payload.error().message());
    if (!*payload) break;
    answer(**payload);
  }
  read_more();
}

void server_session::answer(byte_view payload) {
  auto request = protocol::decode_request(payload);
  if (!request) {
    const auto id = protocol::request_id(payload);
    if (!initialised_ || !id)
      return fail("bad request before INIT or without an id: " + request.error().message());
    debug("request " + std::to_string(*id) + " refused: " + request.error().message());
    const bool unknown = request.error().code == make_error_code(errc::sftp_unknown_message);
    ++in_flight_;
    (void)make_request(*id).reply_status(
        unknown ? sftp::status_code::op_unsupported : sftp::status_code::bad_message,
        request.error().message());
    return;
  }
  if (auto* init = std::get_if<protocol::init_request>(&*request)) {
    if (initialised_) return fail("a second INIT");
    initialised_ = true;
    protocol::version_response version;
    for (auto& [name, data] : handlers_->extensions())
      version.extensions.push_back({std::move(name), std::move(data)});
    auto packet = protocol::encode_response(version);
    if (!packet) return fail("cannot encode VERSION: " + packet.error().message());
    queue(std::move(*packet));
    sftp_server_handlers::extension_list theirs;
    for (auto& e : init->extensions) theirs.emplace_back(std::move(e.name), std::move(e.data));
    handlers_->on_init(init->version, theirs);
    return;
  }
  if (!initialised_) return fail("a request before INIT");
  const auto id = protocol::request_id(payload);
  ++in_flight_;
  dispatch(*handlers_, make_request(id.value_or(0)), std::move(*request),
           options_.openssh_symlink_order);
}

void server_session::deliver(bytes packet) {
  asio::post(executor_, [self = shared_from_this(), p = std::move(packet)]() mutable {
    self->on_reply(std::move(p));
  });
}

void server_session::on_reply(bytes packet) {
  --in_flight_;
  if (ended_) return;
  queue(std::move(packet));
  read_more();
}

void server_session::queue(bytes packet) {
  out_.push_back(std::move(packet));
  write_next();
}

void server_session::write_next() {
  if (write_in_progress_ || ended_) return;
  if (out_.empty()) {
    if (closing_ && in_flight_ == 0) return finish(error_code{});
    return read_more();
  }
  // The queued replies go out in one write, each from where it is (no joining copy: a
  // READ's DATA is 32 KiB), up to write_batch bytes.
  writing_.clear();
  writing_buffers_.clear();
  std::size_t batch = 0;
  while (!out_.empty() && (writing_.empty() || batch + out_.front().size() <= write_batch)) {
    batch += out_.front().size();
    writing_.push_back(std::move(out_.front()));
    out_.pop_front();
    writing_buffers_.push_back(asio::buffer(writing_.back()));
  }
  write_in_progress_ = true;
  asio::async_write(ch_, writing_buffers_, [self = shared_from_this()](error_code ec, std::size_t) {
    self->write_in_progress_ = false;
    self->writing_.clear();
    if (ec) return self->finish(ec);
    self->write_next();
    self->read_more();
  });
}

void server_session::fail(const std::string& why) {
  debug("session ends: " + why);
  finish(make_error_code(errc::sftp_protocol_error));
}

void server_session::finish(error_code ec) {
  if (ended_) return;
  ended_ = true;
  ch_.send_eof();
  ch_.close();
  handlers_.reset();
  auto d = std::move(done_);
  d(ec);
}

void server_session::debug(const std::string& line) const {
  if (options_.debug) options_.debug(line);
}

}  // namespace sftp_detail

void sftp_server::serve(channel ch, std::shared_ptr<sftp_server_handlers> handlers,
                        sftp_server_options options,
                        detail::completion<boost::system::error_code> done) {
  if (!handlers) {
    ch.close();
    return done(make_error_code(errc::invalid_value));
  }
  std::make_shared<sftp_detail::server_session>(std::move(ch), std::move(handlers),
                                                std::move(options), std::move(done))
      ->start();
}

}  // namespace sshlib
