// Hop mode (ssh -J): the client asked for a direct-tcpip to a target the policy allows.
// We connect to the target's configured address (never the name the client sent: that only
// selected the target), with the configured timeout, and only then confirm the channel, so
// a target that is down reaches the user as the open failure's text. Then the bytes are
// relayed as they are (channel_relay_async.cpp): the client's SSH session to the target stays
// end-to-end encrypted.
#include "inbound_connection.hpp"
#include "session_limits.hpp"

#include <sshlib/stream.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bastion {
namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// Resolves and connects, giving up after `timeout`. The error says which step failed.
asio::awaitable<std::optional<tcp::socket>> connect_with_timeout(const std::string& host,
                                                                 std::uint16_t port,
                                                                 std::chrono::seconds timeout,
                                                                 std::string& why) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, timeout);
  tcp::resolver resolver(ex);
  tcp::socket socket(ex);
  bool timed_out = false;
  timer.async_wait([&](error_code ec) {
    if (ec) return;
    timed_out = true;
    resolver.cancel();
    socket.close();
  });
  error_code ec;
  auto found = co_await resolver.async_resolve(host, std::to_string(port),
                                               asio::redirect_error(asio::use_awaitable, ec));
  if (!ec)
    co_await asio::async_connect(socket, found, asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (timed_out) {
    why = "no answer within " + std::to_string(timeout.count()) + " s";
    co_return std::nullopt;
  }
  if (ec) {
    why = ec.message();
    co_return std::nullopt;
  }
  socket.set_option(tcp::no_delay(true), ec);
  co_return std::optional<tcp::socket>(std::move(socket));
}

asio::awaitable<void> hop(std::shared_ptr<inbound_connection> conn, sshlib::incoming_channel c,
                          policy::grant g) {
  const auto& target = g.destination;
  const std::string where =
      target.name + " (" + target.host + ":" + std::to_string(target.port) + ")";
  auto slot = session_slot::claim(conn->shared(), g);
  if (!slot) {
    const auto limit = g.user + " already has " + std::to_string(g.limits.max_sessions) +
                       " sessions through rule " + g.rule + " (its max_sessions)";
    conn->log("channel_denied",
              {{"type", "direct-tcpip"}, {"target", target.name}, {"reason", limit}});
    c.reject(sshlib::channel_open_failure::administratively_prohibited, limit);
    co_return;
  }
  std::string why;
  auto socket = co_await connect_with_timeout(target.host, target.port,
                                              conn->config().limits.upstream_connect_timeout, why);
  if (!socket) {
    conn->log("upstream_failed", {{"mode", "hop"}, {"target", target.name}, {"reason", why}});
    c.reject(sshlib::channel_open_failure::connect_failed, "cannot reach " + where + ": " + why);
    co_return;
  }
  if (!conn->client_connection()) co_return;  // the user went away meanwhile
  start_relay(conn, sshlib::make_byte_stream(c.accept()),
              sshlib::make_byte_stream(std::move(*socket)),
              {{"type", "direct-tcpip"},
               {"mode", "hop"},
               {"target", target.name},
               {"rule", g.rule},
               {"origin", c.origin_host + ":" + std::to_string(c.origin_port)}},
              relay_session{std::move(slot), g.limits});
}

}  // namespace

void start_hop(std::shared_ptr<inbound_connection> conn, sshlib::incoming_channel c,
               policy::grant g) {
  auto ex = conn->executor();
  asio::co_spawn(ex, hop(std::move(conn), std::move(c), std::move(g)), asio::detached);
}

}  // namespace bastion
