// sshlib::listener: an accept loop with connection limits in front of server_connection.
#include <sshlib/listener.hpp>

#include <map>

namespace sshlib {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

class listener_state : public std::enable_shared_from_this<listener_state> {
public:
  using connection_handler_type = listener::connection_handler;

  listener_state(asio::any_io_executor ex, server_config config, listener_limits limits)
      : executor_(std::move(ex)), config_(std::move(config)), limits_(limits), acceptor_(executor_) {}

  result<void> listen(const tcp::endpoint& endpoint, bool reuse_port) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && reuse_port) {
      acceptor_.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    }
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      return error{ec, "listening on " + endpoint.address().to_string() + " port " + std::to_string(endpoint.port()) +
                           ": " + ec.message()};
    }
    accept();
    return {};
  }

  void close() {
    error_code ignored;
    acceptor_.close(ignored);
  }

  tcp::endpoint local_endpoint() const {
    error_code ec;
    return acceptor_.local_endpoint(ec);
  }

  connection_handler_type on_connection_;
  std::function<void(const rejected_connection&)> on_rejected_;
  listener::configure_handler configure_;
  std::size_t open_ = 0, unauthenticated_ = 0;

private:
  void accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
      if (!ec) self->admit(std::move(socket));
      // Transient failures (EMFILE, ECONNABORTED) must not stop the listener.
      self->accept();
    });
  }

  void reject(const tcp::endpoint& peer, std::string reason, error_code ec = {}) {
    if (on_rejected_) on_rejected_(rejected_connection{peer, std::move(reason), ec});
  }

  void admit(tcp::socket socket) {
    error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    const auto source = peer.address();
    // Checked before reading a byte: a flood of half-open handshakes costs us one accept each.
    if (open_ >= limits_.max_connections) return reject(peer, "connection limit");
    if (unauthenticated_ >= limits_.max_unauthenticated) return reject(peer, "unauthenticated limit");
    if (auto it = per_source_.find(source);
        it != per_source_.end() && it->second >= limits_.max_unauthenticated_per_source) {
      return reject(peer, "per-source unauthenticated limit");
    }
    socket.set_option(tcp::no_delay(true), ec);
    ++open_;
    ++unauthenticated_;
    ++per_source_[source];
    server_config config = config_;
    if (configure_) configure_(config, peer);
    auto conn = std::make_shared<server_connection>(make_byte_stream(std::move(socket)), std::move(config));
    std::weak_ptr<listener_state> weak = weak_from_this();
    conn->async_handshake([weak, conn, peer](error_code hec) {
      auto self = weak.lock();
      if (!self) return;
      self->authenticated_or_failed(peer.address());
      if (hec) {
        --self->open_;
        self->reject(peer, conn->last_error() ? conn->last_error()->message() : hec.message(), hec);
        return;
      }
      // Not capturing conn: the application's pointers alone keep the connection open.
      conn->async_wait_closed([weak](error_code) {
        if (auto s = weak.lock()) --s->open_;
      });
      if (self->on_connection_) {
        self->on_connection_(conn, peer);
      } else {
        conn->end();
      }
    });
  }

  void authenticated_or_failed(const asio::ip::address& source) {
    --unauthenticated_;
    if (auto it = per_source_.find(source); it != per_source_.end() && --it->second == 0) per_source_.erase(it);
  }

  asio::any_io_executor executor_;
  server_config config_;
  listener_limits limits_;
  tcp::acceptor acceptor_;
  std::map<asio::ip::address, std::size_t> per_source_;
};

listener::listener(executor_type executor, server_config config, listener_limits limits)
    : state_(std::make_shared<listener_state>(std::move(executor), std::move(config), limits)) {}
listener::~listener() { state_->close(); }

void listener::on_connection(connection_handler handler) { state_->on_connection_ = std::move(handler); }
void listener::on_accept(configure_handler handler) { state_->configure_ = std::move(handler); }
void listener::on_rejected(std::function<void(const rejected_connection&)> handler) {
  state_->on_rejected_ = std::move(handler);
}
result<void> listener::listen(const tcp::endpoint& endpoint, bool reuse_port) { return state_->listen(endpoint, reuse_port); }
void listener::close() { state_->close(); }
tcp::endpoint listener::local_endpoint() const { return state_->local_endpoint(); }
std::size_t listener::connection_count() const noexcept { return state_->open_; }
std::size_t listener::unauthenticated_count() const noexcept { return state_->unauthenticated_; }

}  // namespace sshlib
