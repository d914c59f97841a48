// Every relayed stream pair of the bastion (a hop's channel and socket, a terminating
// forward's two channels, an agent or X11 channel and its counterpart) is run here, so each
// logs the same way: "channel_open" when it starts, "channel_close" with the bytes each way
// and the duration when both directions have ended, and its bytes counted on the connection.
#include "inbound_connection.hpp"
#include "session_limits.hpp"

#include <sshlib/relay.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bastion {
namespace asio = boost::asio;

namespace {

asio::awaitable<void> run_relay(std::shared_ptr<inbound_connection> conn,
                                std::unique_ptr<sshlib::byte_stream> user_side,
                                std::unique_ptr<sshlib::byte_stream> target_side,
                                nlohmann::json fields, std::optional<relay_session> session) {
  conn->log("channel_open", fields);
  const auto started = std::chrono::steady_clock::now();
  sshlib::relay r(std::move(user_side), std::move(target_side));
  std::shared_ptr<session_watch> watch;
  if (session) {
    // The relay lives in this frame until async_run completes, so the callbacks may use it.
    watch = session_watch::start(
        conn->executor(), session->limits,
        [&r] {
          const auto c = r.counts();
          return c.a_to_b + c.b_to_a;
        },
        [&r, &fields, conn](const std::string& why) {
          conn->log("session_limit", {{"target", fields.value("target", "")}, {"reason", why}});
          fields["ended"] = why;
          r.close();
        });
  }
  boost::system::error_code ec;
  auto counts = co_await r.async_run(asio::redirect_error(asio::use_awaitable, ec));
  if (watch) watch->stop();
  conn->count_bytes(counts.a_to_b, counts.b_to_a);
  fields["bytes_up"] = counts.a_to_b;
  fields["bytes_down"] = counts.b_to_a;
  fields["duration_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (ec && !fields.contains("ended")) fields["error"] = ec.message();
  conn->log("channel_close", std::move(fields));
}

}  // namespace

void start_relay(std::shared_ptr<inbound_connection> conn,
                 std::unique_ptr<sshlib::byte_stream> user_side,
                 std::unique_ptr<sshlib::byte_stream> target_side, nlohmann::json fields,
                 std::optional<relay_session> session) {
  auto ex = conn->executor();
  asio::co_spawn(ex,
                 run_relay(std::move(conn), std::move(user_side), std::move(target_side),
                           std::move(fields), std::move(session)),
                 asio::detached);
}

}  // namespace bastion
