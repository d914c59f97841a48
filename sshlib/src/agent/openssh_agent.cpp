// openssh_agent: the client side of the agent protocol over a UNIX stream socket, or over
// any byte_stream an opener hands it (an auth-agent@openssh.com channel to a client that
// forwarded its agent). The codec builds and parses the messages; this file only moves
// them, one request at a time, through a bounded queue. It is one of the two translation
// units of the agent layer that instantiate Asio's socket templates.
#include <sshlib/agent.hpp>

#include "agent/agent_codec.hpp"

#include <sshlib/stream.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <array>
#include <deque>

namespace sshlib {

namespace asio = boost::asio;
namespace proto = agent_protocol;
using boost::system::error_code;

// Shared with every handler in flight, so it outlives the openssh_agent that owns it until
// the last operation has completed.
class openssh_agent::connection : public std::enable_shared_from_this<connection> {
 public:
  // Called once with the reply's payload (after the length prefix) or an error.
  using reply_handler = detail::unique_function<void(error_code, byte_view)>;

  connection(executor_type executor, std::string path, stream_opener opener)
      : executor_(std::move(executor)), path_(std::move(path)), opener_(std::move(opener)) {}

  executor_type executor() const { return executor_; }
  const std::string& path() const noexcept { return path_; }

  void submit(secure_bytes request, reply_handler on_reply) {
    if (queue_.size() >= proto::limits::max_queued_requests) {
      return on_reply(make_error_code(errc::agent_busy), {});
    }
    queue_.push_back({std::move(request), std::move(on_reply)});
    if (queue_.size() == 1) start_front();
  }

  void close() {
    // The request in flight completes with operation_aborted when its current socket
    // operation returns (which may already have succeeded); the ones behind it are failed
    // here.
    if (!queue_.empty()) abort_front_ = true;
    std::deque<pending> waiting;
    while (queue_.size() > 1) {
      waiting.push_front(std::move(queue_.back()));
      queue_.pop_back();
    }
    if (stream_) stream_->close();
    if (queue_.empty()) stream_.reset();  // else finish() drops it when the front completes
    for (pending& p : waiting) p.on_reply(asio::error::operation_aborted, {});
  }

 private:
  struct pending {
    secure_bytes request;  // framed; may hold a private key or a lock passphrase
    reply_handler on_reply;
  };

  void start_front() {
    if (stream_) return write_request(0);
    auto on_open = [self = shared_from_this()](error_code ec, std::unique_ptr<byte_stream> s) {
      if (ec || self->abort_front_) {
        if (s) s->close();
        return self->finish(ec, {});
      }
      self->stream_ = std::move(s);
      self->write_request(0);
    };
    if (opener_) return opener_(std::move(on_open));
    auto socket = std::make_shared<asio::local::stream_protocol::socket>(executor_);
    socket->async_connect(asio::local::stream_protocol::endpoint(path_),
                          [socket, on_open = std::move(on_open)](const error_code& ec) mutable {
                            if (ec) return on_open(ec, nullptr);
                            on_open(ec, make_byte_stream(std::move(*socket)));
                          });
  }

  void write_request(std::size_t done) {
    const auto& request = queue_.front().request;
    stream_->async_write_some(
        asio::buffer(request.data() + done, request.size() - done),
        [self = shared_from_this(), done](const error_code& ec, std::size_t n) {
          if (ec || self->abort_front_) return self->finish(ec, {});
          if (done + n < self->queue_.front().request.size()) {
            return self->write_request(done + n);
          }
          self->read_header(0);
        });
  }

  void read_header(std::size_t done) {
    stream_->async_read_some(
        asio::buffer(header_.data() + done, header_.size() - done),
        [self = shared_from_this(), done](const error_code& ec, std::size_t n) {
          if (ec || self->abort_front_) return self->finish(ec, {});
          if (done + n < self->header_.size()) return self->read_header(done + n);
          auto length = proto::decode_frame_header(self->header_);
          // A bad length leaves us unable to find the next message: finish() drops the
          // connection for any error.
          if (!length) return self->finish(make_error_code(errc::agent_protocol_error), {});
          self->body_.resize(*length);
          self->read_body(0);
        });
  }

  void read_body(std::size_t done) {
    if (done == body_.size()) return finish({}, body_);
    stream_->async_read_some(
        asio::buffer(body_.data() + done, body_.size() - done),
        [self = shared_from_this(), done](const error_code& ec, std::size_t n) {
          if (ec || self->abort_front_) return self->finish(ec, {});
          self->read_body(done + n);
        });
  }

  // Completes the front request and starts the next. Any error closes the socket: after a
  // failed read or write we no longer know where the next reply starts.
  void finish(error_code ec, byte_view payload) {
    if (abort_front_) {
      abort_front_ = false;
      ec = asio::error::operation_aborted;
    }
    if (ec && stream_) {
      stream_->close();
      stream_.reset();
    }
    pending done = std::move(queue_.front());
    queue_.pop_front();
    done.on_reply(ec, ec ? byte_view{} : payload);
    if (!queue_.empty()) start_front();
  }

  executor_type executor_;
  std::string path_;
  stream_opener opener_;                 // set: streams come from it, not from path_
  std::unique_ptr<byte_stream> stream_;  // the connection, once open
  std::deque<pending> queue_;            // front() is in flight; bounded by max_queued_requests
  bool abort_front_ = false;             // close() was called while front() was in flight
  std::array<std::uint8_t, proto::frame_header_size> header_{};
  bytes body_;
};

namespace {

// Replies the peer got wrong are agent_protocol_error for the caller, whatever the codec's
// finer reason; an explicit SSH_AGENT_FAILURE stays agent_failure.
error_code reply_error(const error& e) {
  return e.code == errc::agent_failure ? e.code : make_error_code(errc::agent_protocol_error);
}

secure_bytes to_secure(const bytes& b) {
  return secure_bytes(b.begin(), b.end());
}

}  // namespace

openssh_agent::openssh_agent(executor_type executor, std::string socket_path)
    : connection_(
          std::make_shared<connection>(std::move(executor), std::move(socket_path), nullptr)) {}

openssh_agent::openssh_agent(executor_type executor, stream_opener open)
    : connection_(
          std::make_shared<connection>(std::move(executor), std::string(), std::move(open))) {}

openssh_agent::~openssh_agent() {
  connection_->close();
}

openssh_agent::executor_type openssh_agent::get_executor() {
  return connection_->executor();
}
const std::string& openssh_agent::socket_path() const noexcept {
  return connection_->path();
}
void openssh_agent::close() {
  connection_->close();
}

void openssh_agent::do_identities(identities_handler handler) {
  connection_->submit(to_secure(proto::encode_identities_request()),
                      [h = std::move(handler)](error_code ec, byte_view payload) mutable {
                        if (ec) return h(ec, {});
                        auto keys = proto::decode_identities_answer(payload);
                        if (!keys) return h(reply_error(keys.error()), {});
                        h({}, std::move(*keys));
                      });
}

void openssh_agent::do_sign(const key& public_key, bytes data, sign_flags flags,
                            sign_handler handler) {
  auto request = proto::encode_sign_request(public_key.public_blob(), data, flags);
  if (!request) return handler(request.code(), {});
  connection_->submit(to_secure(*request),
                      [h = std::move(handler)](error_code ec, byte_view payload) mutable {
                        if (ec) return h(ec, {});
                        auto signature = proto::decode_sign_response(payload);
                        if (!signature) return h(reply_error(signature.error()), {});
                        h({}, std::move(*signature));
                      });
}

namespace {

// For requests answered by SSH_AGENT_SUCCESS or SSH_AGENT_FAILURE.
auto status_reply(detail::completion<error_code> handler) {
  return [h = std::move(handler)](error_code ec, byte_view payload) mutable {
    if (ec) return h(ec);
    auto status = proto::decode_status(payload);
    h(status ? error_code{} : reply_error(status.error()));
  };
}

}  // namespace

void openssh_agent::do_add_identity(const key& private_key, std::string comment,
                                    key_constraints constraints, status_handler handler) {
  auto request = proto::encode_add_identity(private_key, comment, constraints);
  if (!request) return handler(request.code());
  connection_->submit(std::move(*request), status_reply(std::move(handler)));
}

void openssh_agent::do_remove_identity(const key& public_key, status_handler handler) {
  auto request = proto::encode_remove_identity(public_key.public_blob());
  if (!request) return handler(request.code());
  connection_->submit(to_secure(*request), status_reply(std::move(handler)));
}

void openssh_agent::do_remove_all(status_handler handler) {
  connection_->submit(to_secure(proto::encode_remove_all_request()),
                      status_reply(std::move(handler)));
}

void openssh_agent::do_lock(secret_string passphrase, status_handler handler) {
  auto request = proto::encode_lock(passphrase);
  if (!request) return handler(request.code());
  connection_->submit(std::move(*request), status_reply(std::move(handler)));
}

void openssh_agent::do_unlock(secret_string passphrase, status_handler handler) {
  auto request = proto::encode_unlock(passphrase);
  if (!request) return handler(request.code());
  connection_->submit(std::move(*request), status_reply(std::move(handler)));
}

}  // namespace sshlib
