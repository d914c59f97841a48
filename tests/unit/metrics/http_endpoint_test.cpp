// The endpoint over a real loopback socket (port 0). The server runs on its own io_context
// thread; each client exchange runs on a private io_context with a deadline, so a hang
// fails the test instead of stalling it, and no test sleeps.
#include <bastion/metrics/http_endpoint.hpp>
#include <bastion/metrics/registry.hpp>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

namespace bastion::metrics {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto client_deadline = 5s;

struct reply {
  beast::error_code ec;  // of connect, write or read; empty when a response arrived
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string content_length;
  std::string www_authenticate;
  std::string allow;
  std::chrono::steady_clock::duration elapsed{};
};

/// Sends `raw` and reads one response (headers only when `head`).
reply round_trip(std::uint16_t port, const std::string& raw, bool head = false) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(head);  // a HEAD response has a Content-Length but no body
  reply r;
  const auto start = std::chrono::steady_clock::now();
  stream.expires_after(client_deadline);
  stream.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return void(r.ec = ec);
        asio::async_write(stream, asio::buffer(raw), [&](beast::error_code wec, std::size_t) {
          if (wec) return void(r.ec = wec);
          http::async_read(stream, buffer, parser,
                           [&](beast::error_code rec, std::size_t) { r.ec = rec; });
        });
      });
  io.run();
  r.elapsed = std::chrono::steady_clock::now() - start;
  if (!r.ec) {
    const auto& res = parser.get();
    r.status = res.result_int();
    r.body = res.body();
    r.content_type = std::string(res[http::field::content_type]);
    r.content_length = std::string(res[http::field::content_length]);
    r.www_authenticate = std::string(res[http::field::www_authenticate]);
    r.allow = std::string(res[http::field::allow]);
  }
  return r;
}

std::string request(std::string_view method, std::string_view target, std::string_view extra = "") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
         std::string(extra) + "\r\n";
}

// The connection ended without a response: closed or reset by the server, not our deadline.
bool closed_by_server(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe;
}

class HttpEndpoint : public ::testing::Test {
 protected:
  void start(endpoint_options options = {}) {
    endpoint_handlers handlers;
    handlers.scrape = [] { return std::string("# TYPE x gauge\nx 1\n"); };
    handlers.not_ready_reason = [this] {
      std::lock_guard lock(mutex_);
      return not_ready_;
    };
    endpoint_ = std::make_unique<http_endpoint>(io_, std::move(options), std::move(handlers));
    port_ = endpoint_->port();
    thread_ = std::thread([this] { io_.run(); });
  }

  void set_not_ready(std::string reason) {
    std::lock_guard lock(mutex_);
    not_ready_ = std::move(reason);
  }

  void TearDown() override {
    // stop() must leave the io_context without work, so run() returns and join ends.
    if (endpoint_) endpoint_->stop();
    if (thread_.joinable()) thread_.join();
  }

  registry self_{"bastion", 1};  // outlives the endpoint and its handlers
  asio::io_context io_;
  std::unique_ptr<http_endpoint> endpoint_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::string not_ready_;
};

TEST_F(HttpEndpoint, ServesMetricsWithTheExpositionContentType) {
  start();
  ASSERT_NE(port_, 0);
  const auto r = round_trip(port_, request("GET", "/metrics"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "# TYPE x gauge\nx 1\n");
  EXPECT_EQ(round_trip(port_, request("GET", "/metrics?debug=1")).status, 200u);
}

TEST_F(HttpEndpoint, HeadHasLengthButNoBody) {
  start();
  const auto r = round_trip(port_, request("HEAD", "/metrics"), true);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_length, "19");
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpEndpoint, HealthAndReadiness) {
  start();
  const auto health = round_trip(port_, request("GET", "/healthz"));
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(round_trip(port_, request("GET", "/readyz")).status, 200u);
  set_not_ready("draining");
  const auto draining = round_trip(port_, request("GET", "/readyz"));
  EXPECT_EQ(draining.status, 503u);
  EXPECT_EQ(draining.body, "draining\n");
  EXPECT_EQ(round_trip(port_, request("GET", "/healthz")).status, 200u);  // alive, not ready
}

TEST_F(HttpEndpoint, UnknownPathAndMethod) {
  start();
  EXPECT_EQ(round_trip(port_, request("GET", "/")).status, 404u);
  EXPECT_EQ(round_trip(port_, request("GET", "/metricsx")).status, 404u);
  const auto post = round_trip(port_, request("POST", "/metrics", "Content-Length: 0\r\n"));
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.allow, "GET, HEAD");
  EXPECT_EQ(round_trip(port_, request("DELETE", "/healthz")).status, 405u);
}

TEST_F(HttpEndpoint, BearerTokenIsRequiredWhenSet) {
  endpoint_options o;
  o.bearer_token = "s3cret-token";
  start(o);
  const auto none = round_trip(port_, request("GET", "/metrics"));
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.www_authenticate, "Bearer realm=\"metrics\"");
  EXPECT_EQ(none.body.find("x 1"), std::string::npos);
  for (const auto* bad : {"Bearer s3cret-toke", "Bearer s3cret-tokenx", "Bearer S3CRET-TOKEN",
                          "Basic czNjcmV0LXRva2Vu", "Bearer", "s3cret-token"}) {
    EXPECT_EQ(
        round_trip(port_, request("GET", "/metrics", "Authorization: " + std::string(bad) + "\r\n"))
            .status,
        401u)
        << bad;
  }
  // Checked before the method and the path, so nothing is revealed without it.
  EXPECT_EQ(round_trip(port_, request("POST", "/nope", "Content-Length: 0\r\n")).status, 401u);
  const auto ok =
      round_trip(port_, request("GET", "/metrics", "Authorization: Bearer s3cret-token\r\n"));
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "# TYPE x gauge\nx 1\n");
  EXPECT_EQ(round_trip(port_, request("GET", "/healthz", "Authorization: bearer s3cret-token\r\n"))
                .status,
            200u);
}

TEST_F(HttpEndpoint, OversizedHeaderIsRefused) {
  endpoint_options o;
  o.max_header_bytes = 1024;
  start(o);
  const auto r =
      round_trip(port_, request("GET", "/metrics", "X-Pad: " + std::string(4000, 'a') + "\r\n"));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status, 431u);
  // A header just under the limit still works.
  EXPECT_EQ(
      round_trip(port_, request("GET", "/metrics", "X-Pad: " + std::string(900, 'a') + "\r\n"))
          .status,
      200u);
}

TEST_F(HttpEndpoint, MalformedRequestGets400) {
  start();
  EXPECT_EQ(round_trip(port_, "NOT HTTP AT ALL\r\n\r\n").status, 400u);
  // A body on a GET: the endpoint accepts none.
  EXPECT_EQ(round_trip(port_, request("GET", "/metrics", "Content-Length: 5\r\n") + "hello").status,
            400u);
}

TEST_F(HttpEndpoint, SlowClientIsCutByTheReadTimeout) {
  endpoint_options o;
  o.read_timeout = 300ms;
  start(o);
  // Half a request, then silence: the server must hang up after its read timeout.
  const auto r = round_trip(port_, "GET /metrics HTTP/1.1\r\nHost: test\r\n");
  EXPECT_TRUE(closed_by_server(r.ec)) << r.ec.message();
  EXPECT_GE(r.elapsed, 250ms);
  EXPECT_LT(r.elapsed, client_deadline);
}

TEST_F(HttpEndpoint, ConnectionsOverTheCapAreClosed) {
  endpoint_options o;
  o.max_connections = 2;
  o.read_timeout = 10s;  // the idle connections must hold their slots for the whole test
  start(o);
  asio::io_context client;
  tcp::socket idle1(client), idle2(client);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port_);
  idle1.connect(ep);
  idle2.connect(ep);
  // The server accepts in order, so the two idle connections hold both slots by the time it
  // accepts this one.
  const auto r = round_trip(port_, request("GET", "/healthz"));
  EXPECT_TRUE(closed_by_server(r.ec)) << r.ec.message();
  EXPECT_EQ(r.status, 0u);
}

TEST_F(HttpEndpoint, KeepAliveServesSeveralRequests) {
  start();
  const auto two = request("GET", "/healthz") + request("GET", "/metrics");
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response<http::string_body> first, second;
  beast::error_code result = asio::error::timed_out;
  stream.expires_after(client_deadline);
  stream.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
        if (ec) return void(result = ec);
        asio::async_write(stream, asio::buffer(two), [&](beast::error_code wec, std::size_t) {
          if (wec) return void(result = wec);
          http::async_read(stream, buffer, first, [&](beast::error_code rec, std::size_t) {
            if (rec) return void(result = rec);
            http::async_read(stream, buffer, second,
                             [&](beast::error_code rec2, std::size_t) { result = rec2; });
          });
        });
      });
  io.run();
  ASSERT_FALSE(result) << result.message();
  EXPECT_EQ(first.body(), "ok\n");
  EXPECT_EQ(second.body(), "# TYPE x gauge\nx 1\n");
}

TEST_F(HttpEndpoint, CountsItsOwnResponsesAndDrops) {
  endpoint_options o;
  o.read_timeout = 300ms;
  o.self_metrics = &self_;
  start(o);
  EXPECT_EQ(round_trip(port_, request("GET", "/healthz")).status, 200u);
  EXPECT_EQ(round_trip(port_, request("GET", "/nope")).status, 404u);
  EXPECT_TRUE(closed_by_server(round_trip(port_, "GET /metrics HTTP/1.1\r\n").ec));
  const auto text = self_.scrape();
  EXPECT_NE(text.find("bastion_metrics_http_responses_total{code=\"200\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("bastion_metrics_http_responses_total{code=\"404\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("bastion_metrics_http_connections_dropped_total{reason=\"timeout\"} 1\n"),
            std::string::npos)
      << text;
}

TEST_F(HttpEndpoint, StopClosesOpenConnectionsAndLeavesTheIoContext) {
  endpoint_options o;
  o.read_timeout = 10s;  // longer than the client's deadline: only stop() can end this
  start(o);
  asio::io_context client;
  beast::tcp_stream stream(client);
  stream.expires_after(client_deadline);
  beast::error_code result = asio::error::timed_out;
  std::array<char, 16> sink{};
  stream.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
        if (ec) return void(result = ec);
        // Connected and silent; stop once the connection is established.
        endpoint_->stop();
        stream.async_read_some(asio::buffer(sink),
                               [&](beast::error_code rec, std::size_t) { result = rec; });
      });
  client.run();
  EXPECT_TRUE(closed_by_server(result)) << result.message();
  thread_.join();  // run() returned: no work left behind
}

TEST(HttpEndpointSetup, RejectsBadAddressAndMissingScrape) {
  asio::io_context io;
  endpoint_handlers h;
  h.scrape = [] { return std::string(); };
  endpoint_options bad;
  bad.address = "not-an-address";
  EXPECT_THROW(http_endpoint(io, bad, h), std::system_error);
  EXPECT_THROW(http_endpoint(io, endpoint_options{}, endpoint_handlers{}), std::invalid_argument);
}

TEST(HttpEndpointSetup, PortInUseIsAnError) {
  asio::io_context io;
  endpoint_handlers h;
  h.scrape = [] { return std::string(); };
  http_endpoint first(io, endpoint_options{}, h);
  endpoint_options same;
  same.port = first.port();
  EXPECT_THROW(http_endpoint(io, same, h), std::system_error);
}

}  // namespace
}  // namespace bastion::metrics
