// Our client against our server over a socketpair in one io_context: the authentication
// flows OpenSSH cannot drive without system accounts (password change, several
// keyboard-interactive rounds, hostbased), banners, and the key-confusion guard.
#include "auth/userauth_messages.hpp"
#include "transport/message_numbers.hpp"
#include "transport/transport_session.hpp"

#include "auth_loopback.hpp"

#include <sshlib/client.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

using test::auth_loopback;
using test::user;
using test::socket_t;
namespace asio = boost::asio;

TEST(AuthLoopback, PasswordAndBanner) {
  auth_loopback l;
  auto cc = user("carol");
  cc.password = secret_string("s3cret");
  std::string banner;
  cc.banner = [&](std::string_view text) { banner = text; };
  server_config sc;
  sc.banner = "Authorised use only\n";
  sc.authentication = [](auth_request r) {
    if (r.kind() == auth_request::method_kind::password && r.password().view() == "s3cret") return r.accept();
    r.reject({"password"});
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_FALSE(*l.server_result);
  EXPECT_EQ(banner, "Authorised use only\n");
  EXPECT_EQ(l.server->username(), "carol");
  EXPECT_EQ(l.server->auth_methods_used(), std::vector<std::string>{"password"});
}

TEST(AuthLoopback, WrongPasswordFailsWithMethodsLeft) {
  auth_loopback l;
  auto cc = user("carol");
  cc.password = secret_string("nope");
  server_config sc;
  sc.max_auth_attempts = 3;
  sc.authentication = [](auth_request r) { r.reject({"password", "publickey"}); };
  l.run(cc, sc);
  EXPECT_EQ(*l.client_result, make_error_code(errc::authentication_failed));
  EXPECT_EQ(l.cl->auth_methods_left(), (std::vector<std::string>{"password", "publickey"}));
}

TEST(AuthLoopback, PasswordChangeFlow) {
  auth_loopback l;
  auto cc = user("dave");
  cc.password = secret_string("expired");
  std::string prompt_seen;
  cc.change_password = [&](std::string_view prompt, detail::unique_function<void(std::optional<secret_string>)> done) {
    prompt_seen = prompt;
    done(secret_string("fresh"));
  };
  server_config sc;
  sc.authentication = [](auth_request r) {
    if (r.kind() != auth_request::method_kind::password) return r.reject({"password"});
    if (r.new_password()) {
      if (r.password().view() == "expired" && r.new_password()->view() == "fresh") return r.accept();
      return r.reject({"password"});
    }
    if (r.password().view() == "expired") return r.require_password_change("Password expired, choose a new one");
    r.reject({"password"});
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(prompt_seen, "Password expired, choose a new one");
}

TEST(AuthLoopback, KeyboardInteractiveSeveralRounds) {
  auth_loopback l;
  auto cc = user("erin");
  cc.try_keyboard = true;
  std::vector<std::string> titles;
  cc.keyboard_interactive = [&](const keyboard_interactive_request& req,
                                detail::unique_function<void(std::vector<secret_string>)> done) {
    titles.push_back(req.name);
    std::vector<secret_string> answers;
    for (const auto& p : req.prompts) answers.emplace_back(p.prompt == "Password: " ? "pw" : "123456");
    done(std::move(answers));
  };
  server_config sc;
  sc.authentication = [](auth_request r) {
    if (r.kind() != auth_request::method_kind::keyboard_interactive) return r.reject({"keyboard-interactive"});
    r.prompt({{"Password: ", false}}, "Step 1", "", [r](std::vector<secret_string> a) mutable {
      if (a.size() != 1 || a[0].view() != "pw") return r.reject({"keyboard-interactive"});
      r.prompt({{"Code: ", true}}, "Step 2", "from your token", [r](std::vector<secret_string> b) mutable {
        if (b.size() == 1 && b[0].view() == "123456") return r.accept();
        r.reject({"keyboard-interactive"});
      });
    });
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(titles, (std::vector<std::string>{"Step 1", "Step 2"}));
}

TEST(AuthLoopback, HostbasedSignatureIsVerifiedBeforeTheApplicationDecides) {
  auth_loopback l;
  const key host = generate_key(key_type::ecdsa_p256).value();
  auto cc = user("frank");
  cc.hostbased = client_config::hostbased_identity{host, "client.example", "frank"};
  server_config sc;
  std::string seen_host, seen_user;
  sc.authentication = [&](auth_request r) {
    if (r.kind() != auth_request::method_kind::hostbased) return r.reject({"hostbased"});
    seen_host = r.client_host();
    seen_user = r.client_user();
    if (r.public_key() && r.public_key()->equals(host)) return r.accept();
    r.reject({"hostbased"});
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(seen_host, "client.example");
  EXPECT_EQ(seen_user, "frank");
  EXPECT_EQ(l.server->auth_methods_used(), std::vector<std::string>{"hostbased"});
}

TEST(AuthLoopback, PublicKeyQueryThenSignedRequest) {
  auth_loopback l;
  const key k = generate_key(key_type::rsa, 2048).value();
  auto cc = user("gina");
  cc.private_key = k;
  server_config sc;
  std::vector<bool> with_signature;
  std::vector<std::string> algorithms;
  sc.authentication = [&](auth_request r) {
    if (r.kind() != auth_request::method_kind::publickey) return r.reject({"publickey"});
    with_signature.push_back(r.has_signature());
    algorithms.push_back(r.key_algorithm());
    r.accept();
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(with_signature, (std::vector<bool>{false, true}));
  // server-sig-algs listed rsa-sha2-512, so the client used it rather than ssh-rsa.
  EXPECT_EQ(algorithms, (std::vector<std::string>{"rsa-sha2-512", "rsa-sha2-512"}));
  ASSERT_TRUE(l.server->auth_key());
  EXPECT_TRUE(l.server->auth_key()->equals(k));
}

// A hostile client asks about key A (the application accepts it: PK_OK), then sends a
// signed request for key B. The application must be asked about B, and the key recorded is
// B's; accepting A earlier grants nothing (the CVE-2024-45337 class of mistakes).
TEST(AuthLoopback, QueriedKeyIsNeverTheAuthenticatedKey) {
  asio::io_context io;
  socket_t a(io), b(io);
  asio::local::connect_pair(a, b);
  const key key_a = generate_key(key_type::ed25519).value();
  const key key_b = generate_key(key_type::ed25519).value();
  server_config sc;
  sc.host_keys = {generate_key(key_type::ed25519).value()};
  sc.failure_delay = std::chrono::milliseconds(1);
  std::vector<std::string> asked;
  sc.authentication = [&](auth_request r) {
    if (r.kind() != auth_request::method_kind::publickey || !r.public_key()) return r.reject({"publickey"});
    asked.push_back(r.public_key()->equals(key_a) ? "A" : "B");
    if (r.public_key()->equals(key_a)) return r.accept();
    r.reject({"publickey"});
  };
  server_connection server(make_byte_stream(std::move(b)), sc);
  std::optional<boost::system::error_code> server_result;
  server.async_handshake([&](boost::system::error_code ec) { server_result = ec; });

  transport::transport_settings ts;
  auto machine = transport::transport_machine::create(ts).value();
  transport::session_hooks hooks;
  hooks.verify_host_key = [](const auto&, detail::unique_function<void(bool)> done) { done(true); };
  auto session = std::make_shared<transport::transport_session>(make_byte_stream(std::move(a)), std::move(machine), hooks);
  session->start();
  std::vector<std::uint8_t> replies;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        (void)co_await session->wait_handshake();
        (void)session->send(auth::service_request(auth::service_userauth));
        (void)co_await session->receive();
        (void)session->send(auth::request_publickey_query("mallory", "ssh-ed25519", key_a.public_blob()));
        auto r1 = co_await session->receive();
        if (r1) replies.push_back(r1->payload[0]);
        const bytes blob_b = key_b.public_blob();
        const bytes data = auth::publickey_signed_data(*session->machine().session_id(), "mallory", "ssh-ed25519", blob_b);
        (void)session->send(auth::request_publickey_signed("mallory", "ssh-ed25519", blob_b, key_b.sign(data).value()));
        auto r2 = co_await session->receive();
        if (r2) replies.push_back(r2->payload[0]);
      },
      asio::detached);
  for (int i = 0; i < 100 && replies.size() < 2; ++i) io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(replies, (std::vector<std::uint8_t>{transport::msg::userauth_info_request, transport::msg::userauth_failure}));
  EXPECT_EQ(asked, (std::vector<std::string>{"A", "B"}));
  EXPECT_FALSE(server.auth_key());
  EXPECT_FALSE(server_result.has_value());  // still waiting: not authenticated
  session->close();
  server.end();
  io.run_for(std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace sshlib
