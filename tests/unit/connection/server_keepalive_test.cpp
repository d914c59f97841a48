// server_config::keepalive_interval (OpenSSH's ClientAliveInterval): a client that stops
// answering is disconnected with errc::timeout; one that answers stays.
#include "auth/userauth_messages.hpp"
#include "transport/transport_session.hpp"

#include <sshlib/client.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

namespace asio = boost::asio;
using socket_t = asio::local::stream_protocol::socket;

server_config keepalive_server() {
  server_config sc;
  sc.host_keys = {generate_key(key_type::ed25519).value()};
  sc.failure_delay = std::chrono::milliseconds(1);
  sc.authentication = [](auth_request r) { r.accept(); };
  sc.keepalive_interval = std::chrono::milliseconds(50);
  sc.keepalive_count_max = 2;
  sc.announce_host_keys = false;
  return sc;
}

template <class Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::seconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST(ServerKeepalive, AClientThatStopsAnsweringIsDisconnected) {
  asio::io_context io;
  socket_t a(io), b(io);
  asio::local::connect_pair(a, b);
  server_connection server(make_byte_stream(std::move(b)), keepalive_server());
  std::optional<boost::system::error_code> handshake;
  server.async_handshake([&](boost::system::error_code ec) { handshake = ec; });

  // A client that authenticates and then never reads again: keepalives pile up unanswered.
  transport::transport_settings ts;
  auto machine = transport::transport_machine::create(ts).value();
  transport::session_hooks hooks;
  hooks.verify_host_key = [](const auto&, detail::unique_function<void(bool)> done) { done(true); };
  auto session = std::make_shared<transport::transport_session>(make_byte_stream(std::move(a)), std::move(machine), hooks);
  session->start();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        (void)co_await session->wait_handshake();
        (void)session->send(auth::service_request(auth::service_userauth));
        (void)co_await session->receive();
        (void)session->send(auth::request_none("idle"));
        (void)co_await session->receive();
      },
      asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return handshake.has_value(); }));
  ASSERT_FALSE(*handshake);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(io, [&] { return server.last_error().has_value(); }));
  EXPECT_EQ(server.last_error()->code, make_error_code(errc::timeout)) << server.last_error()->message();
  // Three intervals: two keepalives sent unanswered, the third tick gives up.
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  session->close();
}

TEST(ServerKeepalive, AnAnsweringClientStays) {
  asio::io_context io;
  socket_t a(io), b(io);
  asio::local::connect_pair(a, b);
  server_connection server(make_byte_stream(std::move(b)), keepalive_server());
  std::optional<boost::system::error_code> handshake, connected;
  server.async_handshake([&](boost::system::error_code ec) { handshake = ec; });
  client c(io.get_executor());
  client_config cc;
  cc.username = "busy";
  c.async_connect(make_byte_stream(std::move(a)), cc, [&](boost::system::error_code ec) { connected = ec; });
  ASSERT_TRUE(run_until(io, [&] { return handshake && connected; }));
  ASSERT_FALSE(*connected);
  // Ten keepalive intervals later the connection is still up: our client answers them.
  asio::steady_timer t(io, std::chrono::milliseconds(500));
  bool waited = false;
  t.async_wait([&](boost::system::error_code) { waited = true; });
  ASSERT_TRUE(run_until(io, [&] { return waited; }));
  EXPECT_FALSE(server.last_error().has_value()) << server.last_error()->message();
  EXPECT_TRUE(c.is_authenticated());
  c.end();
  server.end();
  io.restart();
  io.run_for(std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace sshlib
