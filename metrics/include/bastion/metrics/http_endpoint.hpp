// A small HTTP/1.1 server for scrapes and probes: GET /metrics, /healthz and /readyz.
// Boost.Beast under the hood, kept out of this header (it is in one translation unit)
// so that including it costs nothing. Bounded in every dimension: header size, time to
// read a request, concurrent connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace bastion::metrics {

class registry;

/// Named caps; the defaults of endpoint_options.
inline constexpr std::size_t default_max_header_bytes = std::size_t{8} * 1024;
inline constexpr std::chrono::milliseconds default_read_timeout{5000};
inline constexpr std::size_t default_max_connections = 16;

struct endpoint_options {
  /// Where to listen. The caller defaults this to loopback; for any other address set a
  /// bearer token too (see metrics/README.md).
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests); read it back with port()
  /// When non-empty, every request must carry "Authorization: Bearer <token>"; others get
  /// 401. Compared in constant time.
  std::string bearer_token;
  std::size_t max_header_bytes = default_max_header_bytes;        // larger requests get 431
  std::chrono::milliseconds read_timeout = default_read_timeout;  // per request, and per reply
  std::size_t max_connections = default_max_connections;          // more are closed on accept
  /// Optional: a registry where the endpoint counts its own work, in
  /// <prefix>_metrics_http_responses_total{code} and
  /// <prefix>_metrics_http_connections_dropped_total{reason="timeout|over_capacity"}. Declared
  /// by the constructor, so one endpoint per registry. `self_metrics_shard` must be a shard
  /// no other thread writes: the endpoint's io_context thread becomes its writer. The
  /// registry must outlive the endpoint's handlers (run `io` to completion or destroy it
  /// first).
  registry* self_metrics = nullptr;
  std::size_t self_metrics_shard = 0;
};

struct endpoint_handlers {
  /// The body of /metrics (registry::scrape). Called on the endpoint's io_context thread.
  std::function<std::string()> scrape;
  /// Empty when ready; otherwise why not ("draining", "host keys not loaded"), sent with
  /// 503. Called on the endpoint's io_context thread. Unset: always ready.
  std::function<std::string()> not_ready_reason;
};

/// Serves /metrics (text exposition, Content-Type text/plain; version=0.0.4), /healthz
/// (200 "ok": the process answers) and /readyz (200 "ok", or 503 with the reason). Other
/// paths get 404, methods other than GET and HEAD get 405, a missing or wrong bearer token
/// 401 (checked first, on every path). Keep-alive is supported within the read timeout.
class http_endpoint {
 public:
  /// Binds and listens on `options.address`:`options.port` and starts accepting on `io`.
  /// All work runs in handlers on `io`, which the caller runs (on one thread). `io` must
  /// outlive this object's handlers: destroy or run `io` to completion after stop().
  /// Throws std::system_error when the address is invalid or cannot be bound,
  /// std::invalid_argument when `handlers.scrape` is empty or the self metrics are declared
  /// already, std::out_of_range for a bad self_metrics_shard.
  http_endpoint(boost::asio::io_context& io, endpoint_options options, endpoint_handlers handlers);

  /// Stops (see stop()).
  ~http_endpoint();
  http_endpoint(const http_endpoint&) = delete;
  http_endpoint& operator=(const http_endpoint&) = delete;

  /// Closes the listener and every open connection. Safe from any thread: the work is
  /// posted to `io`, so it happens when `io` runs next. Idempotent.
  void stop();

  /// The bound port (useful with port 0).
  std::uint16_t port() const noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace bastion::metrics
