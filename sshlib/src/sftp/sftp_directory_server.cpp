// sftp_server::async_serve_directory: frames and decodes requests on the channel's thread,
// answers each with local_filesystem on a file-I/O thread (a strand of a small process-wide
// pool, so one session's requests run in order), and writes the replies back in that order.
// File I/O off the connection's thread lets decryption and disk work overlap, as sshd's
// separate sftp-server process does. Reading pauses while max_requests_in_flight requests
// are with the file thread or more than max_queued_replies bytes of replies wait for the
// channel, so a client that sends requests without reading replies cannot grow our memory.
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_frame_buffer.hpp"
#include "sftp/sftp_local_filesystem.hpp"

#include <sshlib/error.hpp>
#include <sshlib/sftp_server.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>

#include <deque>

namespace sshlib {
namespace asio = boost::asio;
using boost::system::error_code;
namespace protocol = sftp::protocol;

namespace {

constexpr std::size_t write_batch = 256 * 1024;
constexpr std::size_t max_queued_replies = 4 * 1024 * 1024;
constexpr std::size_t max_requests_in_flight = 64;

// The threads that run every session's file I/O. Never destroyed: sessions may outlive
// main's locals, and an exiting process need not join them.
asio::thread_pool& file_io_pool() {
  static auto* pool = std::make_unique<asio::thread_pool>(2).release();
  return *pool;
}

class directory_session : public std::enable_shared_from_this<directory_session> {
public:
  directory_session(channel ch, sftp::local_filesystem fs, sftp_server_options options,
                    detail::completion<error_code> done)
      : ch_(std::move(ch)),
        executor_(ch_.get_executor()),
        file_io_(asio::make_strand(file_io_pool())),
        fs_(std::move(fs)),
        options_(std::move(options)),
        done_(std::move(done)) {}

  void start() { read_more(); }

private:
  std::size_t queued() const {
    std::size_t n = writing_.size();
    for (const auto& b : out_) n += b.size();
    return n;
  }

  void read_more() {
    if (ended_ || closing_ || read_pending_) return;
    // Resumed by write_next once replies drain, and by on_answer.
    if (queued() > max_queued_replies || in_flight_ >= max_requests_in_flight) return;
    const auto space = input_.prepare();
    read_pending_ = true;
    ch_.async_read_some(asio::buffer(space.data(), space.size()),
                        [self = shared_from_this()](error_code ec, std::size_t n) {
                          self->read_pending_ = false;
                          if (ec) return self->on_end(ec);
                          self->on_bytes(n);
                        });
  }

  void on_end(error_code ec) {
    if (ec != asio::error::eof) return finish(ec);
    closing_ = true;  // the client is done: answer what it sent, then close
    if (!write_in_progress_ && out_.empty() && in_flight_ == 0) finish(error_code{});
  }

  void on_bytes(std::size_t n) {
    input_.commit(n);
    while (!ended_) {
      auto payload = input_.next();
      if (!payload) return fail("bad frame: " + payload.error().message());
      if (!*payload) break;
      answer(**payload);
    }
    read_more();
  }

  void answer(byte_view payload) {
    auto request = protocol::decode_request(payload);
    if (!request) {
      const auto id = protocol::request_id(payload);
      if (!initialised_ || !id) return fail("bad request before INIT or without an id: " + request.error().message());
      debug("request " + std::to_string(*id) + " refused: " + request.error().message());
      const bool unknown = request.error().code == make_error_code(errc::sftp_unknown_message);
      return reply(protocol::status_response{*id, unknown ? sftp::status_code::op_unsupported : sftp::status_code::bad_message,
                                             request.error().message(), "en"});
    }
    if (std::holds_alternative<protocol::init_request>(*request)) {
      if (initialised_) return fail("a second INIT");
      initialised_ = true;
      return reply(sftp::local_filesystem::version());
    }
    if (!initialised_) return fail("a request before INIT");
    // The file thread answers; the op goes there and comes back whole, so the session is
    // never released (and destroyed) on the file thread.
    ++in_flight_;
    asio::post(file_io_, [self = shared_from_this(), r = std::move(*request)]() mutable {
      auto answer = self->fs_.handle(r);
      auto ex = self->executor_;
      asio::post(ex, [self = std::move(self), answer = std::move(answer)]() mutable { self->on_answer(answer); });
    });
  }

  void on_answer(const protocol::response& r) {
    --in_flight_;
    if (ended_) return;
    reply(r);
    read_more();
  }

  void reply(const protocol::response& r) {
    auto packet = protocol::encode_response(r);
    if (!packet) return fail("cannot encode a reply: " + packet.error().message());
    out_.push_back(std::move(*packet));
    write_next();
  }

  void write_next() {
    if (write_in_progress_ || ended_) return;
    if (out_.empty()) {
      if (closing_ && in_flight_ == 0) return finish(error_code{});
      return read_more();
    }
    writing_.clear();
    while (!out_.empty() && (writing_.empty() || writing_.size() + out_.front().size() <= write_batch)) {
      writing_.insert(writing_.end(), out_.front().begin(), out_.front().end());
      out_.pop_front();
    }
    write_in_progress_ = true;
    asio::async_write(ch_, asio::buffer(writing_), [self = shared_from_this()](error_code ec, std::size_t) {
      self->write_in_progress_ = false;
      self->writing_.clear();
      if (ec) return self->finish(ec);
      self->write_next();
      self->read_more();
    });
  }

  void fail(const std::string& why) {
    debug("session ends: " + why);
    finish(make_error_code(errc::sftp_protocol_error));
  }

  void finish(error_code ec) {
    if (ended_) return;
    ended_ = true;
    ch_.send_eof();
    ch_.close();
    auto d = std::move(done_);
    d(ec);
  }

  void debug(const std::string& line) const {
    if (options_.debug) options_.debug(line);
  }

  channel ch_;
  asio::any_io_executor executor_;  // the channel's: everything but fs_ lives here
  asio::strand<asio::thread_pool::executor_type> file_io_;
  sftp::local_filesystem fs_;  // used on file_io_ only
  std::size_t in_flight_ = 0;  // requests with the file thread
  sftp_server_options options_;
  detail::completion<error_code> done_;
  protocol::frame_buffer input_;
  std::deque<bytes> out_;
  bytes writing_;
  bool write_in_progress_ = false;
  bool read_pending_ = false;
  bool initialised_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

}  // namespace

void sftp_server::serve_directory(channel ch, std::string root, sftp_server_options options,
                                  detail::completion<error_code> done) {
  sftp::local_filesystem_options fs_options;
  fs_options.max_open_handles = options.max_open_handles;
  fs_options.read_only = options.read_only;
  auto fs = sftp::local_filesystem::open(root, fs_options);
  if (!fs) {
    if (options.debug) options.debug("cannot serve " + root + ": " + fs.error().message());
    ch.close();
    return done(fs.error().code);
  }
  std::make_shared<directory_session>(std::move(ch), std::move(*fs), std::move(options), std::move(done))->start();
}

}  // namespace sshlib
