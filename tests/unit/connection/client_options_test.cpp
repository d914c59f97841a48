// Client connection options: the seed's localAddress/localPort, forceIPv4/forceIPv6 and
// strictVendor, against our own server on a loopback TCP listener.
#include "unit/auth/auth_loopback.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

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

// One of our servers behind a loopback listener, accepting any "none" login.
struct tcp_server {
  explicit tcp_server(asio::io_context& context) : io(context) {}
  asio::io_context& io;
  ip::tcp::acceptor acceptor{io, ip::tcp::endpoint(ip::address_v4::loopback(), 0)};
  std::unique_ptr<server_connection> conn;
  ip::tcp::endpoint peer;
  std::string ident = "sshlib_0.1";

  void accept_one() {
    acceptor.async_accept([this](error_code ec, ip::tcp::socket s) {
      if (ec) return;
      peer = s.remote_endpoint();
      server_config sc;
      sc.host_keys = {generate_key(key_type::ed25519).value()};
      sc.authentication = [](auth_request r) { r.accept(); };
      sc.auth_methods = {"none"};
      sc.ident = ident;
      sc.failure_delay = std::chrono::milliseconds(1);
      conn = std::make_unique<server_connection>(make_byte_stream(std::move(s)), std::move(sc));
      conn->async_handshake([](error_code) {});
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
};

std::uint16_t free_port(asio::io_context& io) {
  ip::tcp::acceptor a(io, ip::tcp::endpoint(ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

TEST(ClientOptions, LocalAddressAndPortAreBoundBeforeConnecting) {
  asio::io_context io;
  tcp_server srv(io);
  srv.accept_one();
  client c(io.get_executor());
  auto cfg = user("alice");
  cfg.local_address = "127.0.0.1";
  cfg.local_port = free_port(io);
  std::optional<error_code> result;
  c.async_connect("127.0.0.1", srv.port(), cfg, [&](error_code ec) { result = ec; });
  ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
  ASSERT_FALSE(*result) << result->message();
  EXPECT_EQ(srv.peer.port(), cfg.local_port);
  EXPECT_EQ(srv.peer.address().to_string(), "127.0.0.1");
}

TEST(ClientOptions, ForcedFamilyWithoutSuchAnAddressFailsClearly) {
  asio::io_context io;
  client c(io.get_executor());
  auto cfg = user("alice");
  cfg.family = client_config::address_family::ipv6;
  std::optional<error_code> result;
  c.async_connect("127.0.0.1", 22, cfg, [&](error_code ec) { result = ec; });
  ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, make_error_code(errc::invalid_value));
  ASSERT_TRUE(c.last_error());
  EXPECT_NE(c.last_error()->detail.find("no address of the requested family"), std::string::npos);
}

TEST(ClientOptions, ForcedIpv4ConnectsToTheIpv4Address) {
  asio::io_context io;
  tcp_server srv(io);
  srv.accept_one();
  client c(io.get_executor());
  auto cfg = user("alice");
  cfg.family = client_config::address_family::ipv4;
  std::optional<error_code> result;
  c.async_connect("127.0.0.1", srv.port(), cfg, [&](error_code ec) { result = ec; });
  ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(*result) << result->message();
}

TEST(ClientOptions, StrictVendorKeepsOpensshExtensionsFromOtherServers) {
  for (bool strict : {true, false}) {
    asio::io_context io;
    tcp_server srv(io);
    srv.ident = "OtherSSH_1.0";
    srv.accept_one();
    client c(io.get_executor());
    auto cfg = user("alice");
    cfg.strict_vendor = strict;
    std::optional<error_code> connected, forwarded, opened;
    c.async_connect("127.0.0.1", srv.port(), cfg, [&](error_code ec) { connected = ec; });
    ASSERT_TRUE(run_until(io, [&] { return connected.has_value(); }));
    ASSERT_FALSE(*connected);
    c.async_forward_in_streamlocal("/tmp/x.sock", [&](error_code ec) { forwarded = ec; });
    c.async_forward_out_streamlocal("/tmp/x.sock", [&](error_code ec, channel) { opened = ec; });
    ASSERT_TRUE(run_until(io, [&] { return forwarded && opened; }));
    if (strict) {
      EXPECT_EQ(*forwarded, make_error_code(errc::unsupported_algorithm));
      EXPECT_EQ(*opened, make_error_code(errc::unsupported_algorithm));
      EXPECT_FALSE(c.no_more_sessions());
    } else {
      // Sent: our server has no handler, so it refuses them.
      EXPECT_EQ(*forwarded, make_error_code(errc::request_refused));
      EXPECT_EQ(*opened, make_error_code(errc::channel_open_failed));
      EXPECT_TRUE(c.no_more_sessions());
    }
  }
}

}  // namespace
}  // namespace sshlib::test
