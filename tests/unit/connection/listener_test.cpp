// sshlib::listener: authenticated connections reach the application; the limits on open and
// unauthenticated connections (overall and per source) close the excess at accept; a failed
// handshake is reported; listeners can share a port.
#include "unit/auth/auth_loopback.hpp"

#include <sshlib/listener.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace sshlib::test {
namespace {

using boost::system::error_code;
namespace ip = asio::ip;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  for (int i = 0; i < 400 && !done(); ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(25));
  }
  return done();
}

server_config accept_all() {
  server_config sc;
  sc.host_keys = {generate_key(key_type::ed25519).value()};
  sc.authentication = [](auth_request r) { r.accept(); };
  sc.auth_methods = {"none"};
  sc.failure_delay = std::chrono::milliseconds(1);
  return sc;
}

const ip::tcp::endpoint loopback{ip::address_v4::loopback(), 0};

TEST(Listener, AuthenticatedConnectionsReachTheApplicationAndAreCounted) {
  asio::io_context io;
  listener l(io.get_executor(), accept_all());
  std::vector<std::shared_ptr<server_connection>> got;
  l.on_connection([&](std::shared_ptr<server_connection> c, const ip::tcp::endpoint& peer) {
    EXPECT_EQ(c->username(), "alice");
    EXPECT_TRUE(peer.address().is_loopback());
    got.push_back(std::move(c));
  });
  ASSERT_TRUE(l.listen(loopback));
  ASSERT_NE(l.local_endpoint().port(), 0);
  client a(io.get_executor()), b(io.get_executor());
  std::optional<error_code> ra, rb;
  a.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code ec) { ra = ec; });
  b.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code ec) { rb = ec; });
  ASSERT_TRUE(run_until(io, [&] { return ra && rb && got.size() == 2; }));
  EXPECT_FALSE(*ra);
  EXPECT_FALSE(*rb);
  EXPECT_EQ(l.connection_count(), 2u);
  EXPECT_EQ(l.unauthenticated_count(), 0u);
  a.end();
  ASSERT_TRUE(run_until(io, [&] { return l.connection_count() == 1; }));
}

TEST(Listener, EachConnectionsConfigCanBeAdjustedForItsPeer) {
  asio::io_context io;
  server_config sc = accept_all();
  sc.authentication = [](auth_request r) { r.reject(); };  // replaced per connection below
  listener l(io.get_executor(), std::move(sc));
  std::vector<std::string> seen;  // "user from address", as the per-connection callback saw it
  l.on_accept([&](server_config& c, const ip::tcp::endpoint& peer) {
    c.authentication = [&seen, peer](auth_request r) {
      seen.push_back(r.username() + " from " + peer.address().to_string());
      if (r.username() == "alice") return r.accept();
      r.reject();
    };
  });
  std::vector<std::shared_ptr<server_connection>> got;
  l.on_connection([&](std::shared_ptr<server_connection> c, const ip::tcp::endpoint&) { got.push_back(std::move(c)); });
  ASSERT_TRUE(l.listen(loopback));
  client a(io.get_executor()), b(io.get_executor());
  std::optional<error_code> ra, rb;
  a.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code ec) { ra = ec; });
  b.async_connect("127.0.0.1", l.local_endpoint().port(), user("mallory"), [&](error_code ec) { rb = ec; });
  ASSERT_TRUE(run_until(io, [&] { return ra && rb; }));
  EXPECT_FALSE(*ra);
  EXPECT_TRUE(*rb);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "alice from 127.0.0.1"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "mallory from 127.0.0.1"), seen.end());
}

TEST(Listener, UnauthenticatedConnectionsPerSourceAreBounded) {
  asio::io_context io;
  listener_limits limits;
  limits.max_unauthenticated_per_source = 2;
  listener l(io.get_executor(), accept_all(), limits);
  std::vector<std::string> rejected;
  l.on_rejected([&](const rejected_connection& r) { rejected.push_back(r.reason); });
  ASSERT_TRUE(l.listen(loopback));
  // Three clients that connect and never speak: the third is closed at once.
  std::vector<ip::tcp::socket> silent;
  for (int i = 0; i < 3; ++i) {
    silent.emplace_back(io);
    silent.back().connect(l.local_endpoint());
  }
  ASSERT_TRUE(run_until(io, [&] { return rejected.size() == 1; }));
  EXPECT_EQ(rejected[0], "per-source unauthenticated limit");
  EXPECT_EQ(l.unauthenticated_count(), 2u);
  std::array<char, 256> buf{};
  error_code ec;
  std::size_t n = 0;
  // The third socket sees its end without an identification line; the first got ours.
  do {
    n = silent[2].read_some(asio::buffer(buf), ec);
  } while (!ec && n > 0);
  EXPECT_EQ(ec, asio::error::eof);
  n = silent[0].read_some(asio::buffer(buf), ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(std::string(buf.data(), 8), "SSH-2.0-");
  // Once one of them goes away, a new one is admitted again.
  silent[0].close();
  ASSERT_TRUE(run_until(io, [&] { return l.unauthenticated_count() == 1; }));
  client c(io.get_executor());
  std::optional<error_code> r;
  c.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code e) { r = e; });
  ASSERT_TRUE(run_until(io, [&] { return r.has_value(); }));
  EXPECT_FALSE(*r) << r->message();
}

TEST(Listener, ConnectionLimitClosesTheExcess) {
  asio::io_context io;
  listener_limits limits;
  limits.max_connections = 1;
  listener l(io.get_executor(), accept_all(), limits);
  std::vector<std::shared_ptr<server_connection>> got;
  l.on_connection([&](std::shared_ptr<server_connection> c, const ip::tcp::endpoint&) { got.push_back(std::move(c)); });
  std::vector<std::string> rejected;
  l.on_rejected([&](const rejected_connection& r) { rejected.push_back(r.reason); });
  ASSERT_TRUE(l.listen(loopback));
  client a(io.get_executor()), b(io.get_executor());
  std::optional<error_code> ra, rb;
  a.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code ec) { ra = ec; });
  ASSERT_TRUE(run_until(io, [&] { return ra.has_value(); }));
  b.async_connect("127.0.0.1", l.local_endpoint().port(), user("alice"), [&](error_code ec) { rb = ec; });
  ASSERT_TRUE(run_until(io, [&] { return rb.has_value(); }));
  EXPECT_FALSE(*ra);
  EXPECT_TRUE(*rb);
  EXPECT_EQ(rejected, std::vector<std::string>{"connection limit"});
}

TEST(Listener, FailedHandshakeIsReported) {
  asio::io_context io;
  listener l(io.get_executor(), accept_all());
  std::optional<rejected_connection> rejected;
  l.on_rejected([&](const rejected_connection& r) { rejected = r; });
  ASSERT_TRUE(l.listen(loopback));
  ip::tcp::socket s(io);
  s.connect(l.local_endpoint());
  asio::write(s, asio::buffer(std::string_view("HTTP/1.1 GET /\r\n\r\n")));
  ASSERT_TRUE(run_until(io, [&] { return rejected.has_value(); }));
  EXPECT_EQ(rejected->ec, make_error_code(errc::invalid_version_line)) << rejected->reason;
  EXPECT_EQ(l.connection_count(), 0u);
  EXPECT_EQ(l.unauthenticated_count(), 0u);
}

TEST(Listener, ReusePortLetsListenersShareAPortAndBindErrorsAreClear) {
  asio::io_context io;
  listener first(io.get_executor(), accept_all()), second(io.get_executor(), accept_all());
  ASSERT_TRUE(first.listen(loopback, true));
  EXPECT_TRUE(second.listen(first.local_endpoint(), true));
  listener third(io.get_executor(), accept_all());
  auto r = third.listen(first.local_endpoint(), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, asio::error::address_in_use);
  EXPECT_NE(r.error().detail.find("port " + std::to_string(first.local_endpoint().port())), std::string::npos);
}

}  // namespace
}  // namespace sshlib::test
