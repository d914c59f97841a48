// Channel requests answered by the application out of order still get their replies in
// request order (RFC 4254 section 5.4): a proxy that answers env at once while pty-req waits
// for its upstream must not make the client pair the wrong reply with the wrong request.
#include "unit/auth/auth_loopback.hpp"

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

using boost::system::error_code;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  for (int i = 0; i < 400 && !done(); ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(25));
  }
  return done();
}

TEST(ChannelRequests, RepliesFollowRequestOrderWhenAnsweredOutOfOrder) {
  auth_loopback p;
  server_config sc;
  sc.authentication = [](auth_request r) { r.accept(); };
  sc.auth_methods = {"none"};
  std::vector<channel_request> held;
  sc.channel_open = [&](incoming_channel c) {
    auto ch = c.accept();
    ch.on_request([&](channel_request r) {
      if (r.type() == "env") {
        r.reject();  // answered at once, while pty-req is still held
      } else {
        held.push_back(std::move(r));
      }
    });
  };
  p.run(user("alice"), std::move(sc));
  ASSERT_FALSE(*p.client_result);
  std::optional<channel> session;
  p.cl->async_open_session([&](error_code ec, channel ch) {
    ASSERT_FALSE(ec);
    session = ch;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return session.has_value(); }));
  std::optional<error_code> pty_result, env_result, shell_result;
  session->async_request_pty(pty_settings{}, [&](error_code ec) { pty_result = ec; });
  session->async_setenv("LANG", "C", [&](error_code ec) { env_result = ec; });
  session->async_shell([&](error_code ec) { shell_result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return held.size() == 2; }));
  EXPECT_FALSE(pty_result.has_value()) << "env's reply overtook pty-req's";
  EXPECT_FALSE(env_result.has_value());
  held[1].accept();  // shell before pty-req: still waits
  p.io.restart();
  p.io.run_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pty_result.has_value());
  held[0].accept();
  ASSERT_TRUE(run_until(p.io, [&] { return pty_result && env_result && shell_result; }));
  EXPECT_FALSE(*pty_result);
  EXPECT_EQ(*env_result, make_error_code(errc::request_refused));
  EXPECT_FALSE(*shell_result);
}

}  // namespace
}  // namespace sshlib::test
