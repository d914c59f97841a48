// agent_server: accepts connections and serves each with a session that reads one framed
// request at a time, answers it (from the lock state or the backing agent) and reads the
// next. The codec does all parsing; this file is I/O and dispatch, and the agent layer's
// second (and last) translation unit with Asio socket templates.
//
// A session talks to a byte_stream, not to a socket type, so that agent forwarding over an
// SSH channel only needs another byte_stream adapter.
#include <sshlib/agent_server.hpp>

#include "agent/agent_codec.hpp"
#include "agent/socket_directory.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <unistd.h>

namespace sshlib::agent_protocol {

namespace asio = boost::asio;
using boost::system::error_code;
using done_handler = detail::unique_function<void(error_code)>;

namespace {

// Failed unlocks are answered after failures * this, capped, to slow down guessing (the
// passphrase compare itself takes constant time).
constexpr auto unlock_delay_step = std::chrono::milliseconds(100);
constexpr unsigned max_unlock_delay_steps = 10;
// A failing accept (EMFILE, ...) is retried after this, instead of spinning.
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);
constexpr int listen_backlog = 16;
constexpr std::size_t lock_salt_size = 16;

// A connected byte stream, whatever carries it.
class byte_stream {
public:
  virtual ~byte_stream() = default;
  virtual void read_exactly(mutable_byte_view into, done_handler done) = 0;
  virtual void write_all(byte_view from, done_handler done) = 0;
  virtual void close() = 0;
};

class socket_stream final : public byte_stream {
public:
  explicit socket_stream(agent_server::socket_type socket) : socket_(std::move(socket)) {}

  void read_exactly(mutable_byte_view into, done_handler done) override {
    asio::async_read(socket_, asio::buffer(into.data(), into.size()),
                     [d = std::move(done)](const error_code& ec, std::size_t) mutable { d(ec); });
  }
  void write_all(byte_view from, done_handler done) override {
    asio::async_write(socket_, asio::buffer(from.data(), from.size()),
                      [d = std::move(done)](const error_code& ec, std::size_t) mutable { d(ec); });
  }
  void close() override {
    error_code ignored;
    socket_.close(ignored);
  }

private:
  agent_server::socket_type socket_;
};

// Any sshlib::byte_stream (an auth-agent@openssh.com channel, for agent forwarding).
class erased_stream final : public byte_stream {
public:
  explicit erased_stream(std::unique_ptr<sshlib::byte_stream> s) : s_(std::move(s)) {}

  void read_exactly(mutable_byte_view into, done_handler done) override {
    if (into.empty()) return done(error_code{});
    s_->async_read_some(asio::buffer(into.data(), into.size()),
                        [this, into, d = std::move(done)](const error_code& ec, std::size_t n) mutable {
                          if (ec) return d(ec);
                          read_exactly(into.subspan(n), std::move(d));
                        });
  }
  void write_all(byte_view from, done_handler done) override {
    if (from.empty()) return done(error_code{});
    s_->async_write_some(asio::buffer(from.data(), from.size()),
                         [this, from, d = std::move(done)](const error_code& ec, std::size_t n) mutable {
                           if (ec) return d(ec);
                           write_all(from.subspan(n), std::move(d));
                         });
  }
  void close() override { s_->close(); }

private:
  std::unique_ptr<sshlib::byte_stream> s_;
};

class session;

}  // namespace

// State shared by the agent_server object, its acceptor and its sessions; sessions keep it
// alive until their last handler has run.
class server_state : public std::enable_shared_from_this<server_state> {
public:
  server_state(agent_server::executor_type ex, agent& backing_agent)
      : executor(std::move(ex)), backend(backing_agent), retry_timer(executor) {}

  void accept_next();
  void serve(std::unique_ptr<byte_stream> stream, done_handler on_end);
  void close();

  // SSH_AGENTC_LOCK / UNLOCK. The passphrase is kept only as a salted hash.
  bool lock(const secret_string& passphrase);
  bool unlock(const secret_string& passphrase);

  agent_server::executor_type executor;
  agent& backend;
  std::optional<asio::local::stream_protocol::acceptor> acceptor;
  asio::steady_timer retry_timer;
  socket_location location;
  std::vector<std::weak_ptr<session>> sessions;
  std::size_t active = 0;
  bool closed = false;

  bool locked = false;
  unsigned failed_unlocks = 0;

private:
  secure_bytes hash(const secret_string& passphrase) const;
  bytes lock_salt_;
  secure_bytes lock_hash_;
};

namespace {

class session : public std::enable_shared_from_this<session> {
public:
  session(std::shared_ptr<server_state> state, std::unique_ptr<byte_stream> stream, done_handler on_end)
      : state_(std::move(state)), stream_(std::move(stream)), on_end_(std::move(on_end)), timer_(state_->executor) {}

  void start() { read_header(); }

  void stop() {
    stopped_ = true;
    stream_->close();
    timer_.cancel();
  }

private:
  void read_header() {
    stream_->read_exactly(header_, [self = shared_from_this()](error_code ec) {
      if (ec) return self->finish(ec);
      auto length = decode_frame_header(self->header_);
      if (!length) return self->finish(length.code());  // cannot find the next message: hang up
      self->body_.resize(*length);
      self->stream_->read_exactly(self->body_, [self](error_code ec2) {
        if (ec2) return self->finish(ec2);
        self->handle_message();
      });
    });
  }

  void handle_message() {
    auto req = decode_request(body_);
    secure_wipe(body_.data(), body_.size());  // it may have carried a private key
    if (!req) return reply(encode_failure());
    if (state_->locked && !std::holds_alternative<unlock_request>(*req)) return handle_while_locked(*req);
    std::visit([this](auto& r) { handle(r); }, *req);
  }

  // OpenSSH's behaviour: a locked agent lists no keys and refuses everything else.
  void handle_while_locked(const request& req) {
    if (std::holds_alternative<identities_request>(req)) return reply(*encode_identities_answer({}));
    reply(encode_failure());
  }

  // Completions of the backend's operations run on the server's executor, whatever the
  // backend's own executor is.
  auto status_reply() {
    return asio::bind_executor(state_->executor, [self = shared_from_this()](error_code ec) {
      self->reply(ec ? encode_failure() : encode_success());
    });
  }

  void handle(identities_request&) {
    auto on_keys = [self = shared_from_this()](error_code ec, const std::vector<key>& keys) {
      if (ec) return self->reply(encode_failure());
      auto answer = encode_identities_answer(keys);
      self->reply(answer ? std::move(*answer) : encode_failure());
    };
    state_->backend.async_identities(asio::bind_executor(state_->executor, std::move(on_keys)));
  }

  void handle(sign_request& r) {
    auto k = key::from_public_blob(r.key_blob);
    if (!k) return reply(encode_failure());
    state_->backend.async_sign(
        *k, std::move(r.data), r.flags,
        asio::bind_executor(state_->executor, [self = shared_from_this()](error_code ec, bytes signature) {
          if (ec) return self->reply(encode_failure());
          auto response = encode_sign_response(signature);
          self->reply(response ? std::move(*response) : encode_failure());
        }));
  }

  void handle(add_identity_request& r) {
    const key& k = r.private_key;
    state_->backend.async_add_identity(k, k.comment(), r.constraints, status_reply());
  }

  void handle(remove_identity_request& r) {
    auto k = key::from_public_blob(r.key_blob);
    if (!k) return reply(encode_failure());
    state_->backend.async_remove_identity(*k, status_reply());
  }

  void handle(remove_all_request&) { state_->backend.async_remove_all(status_reply()); }

  void handle(lock_request& r) { reply(state_->lock(r.passphrase) ? encode_success() : encode_failure()); }

  void handle(unlock_request& r) {
    if (state_->unlock(r.passphrase)) return reply(encode_success());
    const unsigned steps = std::min(state_->failed_unlocks, max_unlock_delay_steps);
    timer_.expires_after(unlock_delay_step * steps);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (ec) return self->finish(ec);
      self->reply(encode_failure());
    });
  }

  // session-bind@openssh.com binds the connection to an SSH session for keys restricted
  // to destinations. Our agents hold no such keys, so there is nothing to enforce: we check
  // the message is well formed and acknowledge it, so that ssh does not log a failure.
  void handle(extension_request& r) {
    const bool ok = r.name == session_bind_extension && decode_session_bind(r.contents);
    reply(ok ? encode_success() : encode_failure());
  }

  void reply(bytes message) {
    out_ = std::move(message);
    stream_->write_all(out_, [self = shared_from_this()](error_code ec) {
      if (ec) return self->finish(ec);
      self->read_header();
    });
  }

  void finish(error_code ec) {
    if (finished_) return;
    finished_ = true;
    stream_->close();
    --state_->active;
    if (ec == asio::error::eof) ec = {};
    if (stopped_) ec = asio::error::operation_aborted;
    if (on_end_) on_end_(ec);
  }

  std::shared_ptr<server_state> state_;
  std::unique_ptr<byte_stream> stream_;
  done_handler on_end_;
  asio::steady_timer timer_;
  std::array<std::uint8_t, frame_header_size> header_{};
  secure_bytes body_;
  bytes out_;
  bool stopped_ = false;
  bool finished_ = false;
};

}  // namespace

void server_state::accept_next() {
  acceptor->async_accept([self = shared_from_this()](const error_code& ec, agent_server::socket_type socket) {
    if (self->closed || ec == asio::error::operation_aborted) return;
    if (ec) {
      self->retry_timer.expires_after(accept_retry_delay);
      self->retry_timer.async_wait([self](const error_code& wait_ec) {
        if (!wait_ec && !self->closed) self->accept_next();
      });
      return;
    }
    self->serve(std::make_unique<socket_stream>(std::move(socket)), {});
    self->accept_next();
  });
}

void server_state::serve(std::unique_ptr<byte_stream> stream, done_handler on_end) {
  if (closed || active >= limits::max_server_connections) {
    stream->close();
    if (on_end) on_end(closed ? error_code(asio::error::operation_aborted) : make_error_code(errc::agent_busy));
    return;
  }
  std::erase_if(sessions, [](const std::weak_ptr<session>& s) { return s.expired(); });
  auto s = std::make_shared<session>(shared_from_this(), std::move(stream), std::move(on_end));
  sessions.push_back(s);
  ++active;
  s->start();
}

void server_state::close() {
  if (closed) return;
  closed = true;
  error_code ignored;
  if (acceptor) acceptor->close(ignored);
  retry_timer.cancel();
  for (const auto& weak : sessions) {
    if (auto s = weak.lock()) s->stop();
  }
  sessions.clear();
  remove_socket_location(location);
}

secure_bytes server_state::hash(const secret_string& passphrase) const {
  crypto::hasher h(crypto::digest_algorithm::sha512);
  h.update(lock_salt_);
  h.update(passphrase.as_bytes());
  const bytes d = h.finish();
  return secure_bytes(d.begin(), d.end());
}

bool server_state::lock(const secret_string& passphrase) {
  if (locked) return false;
  lock_salt_ = crypto::random_bytes(lock_salt_size);
  lock_hash_ = hash(passphrase);
  locked = true;
  failed_unlocks = 0;
  return true;
}

bool server_state::unlock(const secret_string& passphrase) {
  if (!locked) return false;
  if (!crypto::constant_time_equal(hash(passphrase), lock_hash_)) {
    ++failed_unlocks;
    return false;
  }
  locked = false;
  failed_unlocks = 0;
  lock_hash_ = secure_bytes();  // frees, and so wipes, the old hash
  return true;
}

}  // namespace sshlib::agent_protocol

namespace sshlib {

namespace asio = boost::asio;

agent_server::agent_server(executor_type executor, agent& backend)
    : state_(std::make_shared<agent_protocol::server_state>(std::move(executor), backend)) {}

result<std::unique_ptr<agent_server>> agent_server::listen(executor_type executor, agent& backend,
                                                           const std::filesystem::path& socket_path) {
  auto location = agent_protocol::prepare_socket_location(socket_path);
  if (!location) return std::move(location).error();
  auto server = std::make_unique<agent_server>(std::move(executor), backend);
  auto& state = *server->state_;
  state.acceptor.emplace(state.executor);
  const std::string path = location->socket.string();
  error_code ec;
  state.acceptor->open(asio::local::stream_protocol(), ec);
  if (!ec) state.acceptor->bind(asio::local::stream_protocol::endpoint(path), ec);
  if (ec) {
    // Never unlink what someone else bound.
    const std::filesystem::path ours = ec == asio::error::address_in_use ? std::filesystem::path{} : location->socket;
    agent_protocol::remove_socket_location({ours, location->created_dir});
    return error{ec, "agent socket " + path};
  }
  state.location = *location;  // from here on close() removes it
  if (auto mode = agent_protocol::restrict_socket_mode(location->socket); !mode) {
    state.close();
    return mode.error();
  }
  state.acceptor->listen(agent_protocol::listen_backlog, ec);
  if (ec) {
    state.close();
    return error{ec, "listen on agent socket " + path};
  }
  state.accept_next();
  return server;
}

agent_server::~agent_server() { state_->close(); }

agent_server::executor_type agent_server::get_executor() const { return state_->executor; }
const std::filesystem::path& agent_server::socket_path() const noexcept { return state_->location.socket; }
std::size_t agent_server::connection_count() const noexcept { return state_->active; }
bool agent_server::locked() const noexcept { return state_->locked; }
void agent_server::close() { state_->close(); }

void agent_server::do_serve_stream(socket_type socket, detail::completion<error_code> handler) {
  state_->serve(std::make_unique<agent_protocol::socket_stream>(std::move(socket)), std::move(handler));
}

void agent_server::do_serve(std::unique_ptr<sshlib::byte_stream> stream, detail::completion<error_code> handler) {
  state_->serve(std::make_unique<agent_protocol::erased_stream>(std::move(stream)), std::move(handler));
}

}  // namespace sshlib
