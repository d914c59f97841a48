// The scrape and probe endpoint. The only translation unit with Asio and Beast templates in
// this library. Everything runs on the caller's io_context: one thread, so the server's
// bookkeeping needs no lock.
#include <bastion/metrics/exposition.hpp>
#include <bastion/metrics/http_endpoint.hpp>
#include <bastion/metrics/registry.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace bastion::metrics {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using request = http::request<http::empty_body>;
using response = http::response<http::string_body>;

// After an error reply the server reads (and drops) what the client still sends, up to this
// much, before closing: closing with unread input would reset the connection and the client
// could lose the reply.
constexpr std::size_t max_drain_bytes = std::size_t{64} * 1024;
// After a failed accept (out of descriptors, say), wait this long before the next one
// instead of spinning.
constexpr std::chrono::milliseconds accept_retry_delay{100};

/// Compares "Bearer <token>" in time that depends on the token's length only.
bool bearer_matches(std::string_view header, std::string_view token) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    // The scheme is case-insensitive (RFC 7235, 2.1) and not secret.
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return false;
  }
  const auto given = header.substr(scheme.size());
  unsigned diff = given.size() == token.size() ? 0u : 1u;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const auto g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0u;
    diff |= g ^ static_cast<unsigned char>(token[i]);
  }
  return diff == 0;
}

class connection;

// The endpoint's own counters (endpoint_options::self_metrics); default handles count
// nothing when none is given.
struct self_counters {
  counter responses;
  counter dropped;
  shard_id shard;

  void response(unsigned code) const {
    responses.inc(shard, responses.series({std::to_string(code)}));
  }
  void drop(std::string_view reason) const { dropped.inc(shard, dropped.series({reason})); }
};

self_counters declare_self_counters(const endpoint_options& o) {
  if (o.self_metrics == nullptr) return {};
  auto& r = *o.self_metrics;
  const auto shard = r.shard(o.self_metrics_shard);
  return {r.add_counter(
              r.prefix() + "_metrics_http_responses_total",
              "Responses of the metrics endpoint by status code.",
              {fixed_label("code", {"200", "400", "401", "404", "405", "431", "500", "503"})}),
          r.add_counter(r.prefix() + "_metrics_http_connections_dropped_total",
                        "Metrics endpoint connections closed without a response.",
                        {fixed_label("reason", {"timeout", "over_capacity"})}),
          shard};
}

struct server : std::enable_shared_from_this<server> {
  server(asio::io_context& io_in, endpoint_options o, endpoint_handlers h)
      : io(io_in),
        options(std::move(o)),
        handlers(std::move(h)),
        counters(declare_self_counters(options)),
        acceptor(io_in),
        retry(io_in) {}

  void accept();
  void stop_now();
  response respond(const request& req) const;

  asio::io_context& io;
  endpoint_options options;
  endpoint_handlers handlers;
  self_counters counters;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  std::uint16_t port = 0;
  bool stopped = false;
  std::uint64_t next_id = 0;
  // Open connections, so that stop() can close them; each removes itself when it ends.
  std::map<std::uint64_t, std::weak_ptr<connection>> connections;
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<server> s, tcp::socket socket, std::uint64_t id)
      : server_(std::move(s)),
        socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        id_(id),
        buffer_(server_->options.max_header_bytes + 1024) {}
  ~connection() { server_->connections.erase(id_); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void start() { read_request(); }
  /// Pending operations complete with operation_aborted; nothing new is started.
  void close() {
    beast::error_code ignored;
    socket_.close(ignored);
    deadline_.cancel();
  }

 private:
  // One deadline per phase (request, reply, drain). Our own timer rather than tcp_stream's,
  // so that a timeout is counted before the socket closes: whoever sees the close can
  // already see the count.
  void arm(bool count_timeout) {
    deadline_.expires_after(server_->options.read_timeout);
    // A phase can end just as its deadline's handler is already queued (too late to cancel);
    // the phase number tells that handler it is stale.
    const auto phase = ++phase_;
    deadline_.async_wait([self = shared_from_this(), count_timeout, phase](beast::error_code ec) {
      if (ec || phase != self->phase_) return;  // the phase ended in time
      if (count_timeout) self->server_->counters.drop("timeout");
      self->close();
    });
  }

  void end_phase() {
    ++phase_;
    deadline_.cancel();
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    // The whole request, not each read, must arrive within the timeout: a client sending a
    // byte a second is cut off like a silent one. An idle keep-alive connection closing is
    // not a drop; a silent new connection or a half-sent request is.
    arm(served_ == 0 || buffer_.size() > 0);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->end_phase();
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return reply_and_close(http::status::request_header_fields_too_large,
                             "request header too large\n");
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_version).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return reply_and_close(http::status::bad_request, "bad request\n");
    }
    if (ec) return close();  // closed by the client, timed out, or stopped
    const auto& req = parser_->get();
    auto res = std::make_shared<response>(server_->respond(req));
    write(std::move(res), !req.keep_alive());
  }

  void reply_and_close(http::status status, std::string body) {
    auto res = std::make_shared<response>(status, 11);
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    res->body() = std::move(body);
    res->prepare_payload();
    write(std::move(res), true);
  }

  void write(std::shared_ptr<response> res, bool close_after) {
    server_->counters.response(res->result_int());
    ++served_;
    res->keep_alive(!close_after);
    arm(true);
    // Named before the move below: the handler keeps the response alive while it is written.
    const response& message = *res;
    http::async_write(socket_, message,
                      [self = shared_from_this(), res = std::move(res), close_after](
                          beast::error_code ec, std::size_t) {
                        self->end_phase();
                        if (ec) return self->close();
                        if (close_after) return self->linger();
                        self->read_request();
                      });
  }

  // Half-close, then drain what the client still sends until it closes, the drain cap, or
  // the timeout (see max_drain_bytes).
  void linger() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm(false);
    drain();
  }

  void drain() {
    socket_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > max_drain_bytes) return self->close();
                              self->drain();
                            });
  }

  std::shared_ptr<server> server_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::uint64_t id_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::uint64_t served_ = 0;
  std::uint64_t phase_ = 0;
  std::array<char, 4096> drain_buffer_{};
  std::size_t drained_ = 0;
};

void server::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
      self->retry.expires_after(accept_retry_delay);
      self->retry.async_wait([self](beast::error_code wait_ec) {
        if (!wait_ec && !self->stopped) self->accept();
      });
      return;
    }
    if (self->connections.size() >= self->options.max_connections) {
      // Over the cap: refuse by closing at once; the scraper retries at its next interval.
      beast::error_code ignored;
      socket.close(ignored);
      self->counters.drop("over_capacity");
    } else {
      const auto id = self->next_id++;
      auto c = std::make_shared<connection>(self, std::move(socket), id);
      self->connections.emplace(id, c);
      c->start();
    }
    self->accept();
  });
}

void server::stop_now() {
  if (stopped) return;
  stopped = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  retry.cancel();
  // Copy first: a connection may end (and erase itself) while we walk.
  std::vector<std::shared_ptr<connection>> open;
  for (auto& [id, weak] : connections) {
    if (auto c = weak.lock()) open.push_back(std::move(c));
  }
  for (auto& c : open) c->close();
}

response server::respond(const request& req) const {
  auto make = [&](http::status status, std::string body) {
    response res(status, req.version());
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(body);
    return res;
  };
  response res;
  const std::string_view target(req.target().data(), req.target().size());
  const auto path = target.substr(0, target.find('?'));
  if (!options.bearer_token.empty() && !bearer_matches({req[http::field::authorization].data(),
                                                        req[http::field::authorization].size()},
                                                       options.bearer_token)) {
    res = make(http::status::unauthorized, "unauthorized\n");
    res.set(http::field::www_authenticate, "Bearer realm=\"metrics\"");
  } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res = make(http::status::method_not_allowed, "method not allowed\n");
    res.set(http::field::allow, "GET, HEAD");
  } else if (path == "/metrics") {
    try {
      res = make(http::status::ok, handlers.scrape());
      res.set(http::field::content_type, std::string(exposition_content_type));
    } catch (const std::exception&) {
      // A failing scrape is the scraper's problem to see, not a reason to end the process.
      res = make(http::status::internal_server_error, "scrape failed\n");
    }
  } else if (path == "/healthz") {
    res = make(http::status::ok, "ok\n");
  } else if (path == "/readyz") {
    const auto reason = handlers.not_ready_reason ? handlers.not_ready_reason() : std::string();
    res = reason.empty() ? make(http::status::ok, "ok\n")
                         : make(http::status::service_unavailable, reason + "\n");
  } else {
    res = make(http::status::not_found, "not found\n");
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    // Same headers as GET, Content-Length included, but no body.
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

[[noreturn]] void throw_system(const beast::error_code& ec, const std::string& what) {
  throw std::system_error(std::error_code(ec.value(), std::system_category()), what);
}

}  // namespace

struct http_endpoint::state {
  std::shared_ptr<server> s;
};

http_endpoint::http_endpoint(asio::io_context& io, endpoint_options options,
                             endpoint_handlers handlers) {
  if (!handlers.scrape) throw std::invalid_argument("http_endpoint needs a scrape handler");
  auto s = std::make_shared<server>(io, std::move(options), std::move(handlers));
  beast::error_code ec;
  const auto address = asio::ip::make_address(s->options.address, ec);
  if (ec) throw_system(ec, "metrics endpoint address \"" + s->options.address + "\"");
  const tcp::endpoint ep(address, s->options.port);
  s->acceptor.open(ep.protocol(), ec);
  if (!ec) s->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s->acceptor.bind(ep, ec);
  if (!ec) s->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw_system(ec,
                 "metrics endpoint " + s->options.address + ":" + std::to_string(s->options.port));
  s->port = s->acceptor.local_endpoint().port();
  s->accept();
  state_ = std::make_shared<state>(state{std::move(s)});
}

http_endpoint::~http_endpoint() {
  stop();
}

void http_endpoint::stop() {
  asio::post(state_->s->io, [s = state_->s] { s->stop_now(); });
}

std::uint16_t http_endpoint::port() const noexcept {
  return state_->s->port;
}

}  // namespace bastion::metrics
