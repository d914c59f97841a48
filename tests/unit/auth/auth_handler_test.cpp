// client_config::auth_handler (the seed's authHandler): the application chooses each method
// from what the server says it can continue with; auth_sequence is the seed's array form.
#include "auth_loopback.hpp"

#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

using test::auth_loopback;
using test::user;

// A server that wants publickey (this key) and then a password: two factors.
server_config two_factor_server(const key& allowed, std::vector<std::string>* seen) {
  server_config sc;
  sc.auth_methods = {"publickey", "password"};
  sc.authentication = [allowed, seen](auth_request r) {
    if (seen) seen->push_back(r.method());
    const bool key_done = r.method() == "password";  // the server lists password only after the key
    if (r.kind() == auth_request::method_kind::publickey && r.public_key() && r.public_key()->equals(allowed)) {
      if (!r.has_signature()) return r.accept();  // PK_OK
      return r.reject({"password"}, true);
    }
    if (key_done && r.password().view() == "pin") return r.accept();
    r.reject({"publickey", "password"});
  };
  return sc;
}

TEST(AuthHandler, ChoosesEachStepFromMethodsLeftAndPartialSuccess) {
  auth_loopback l;
  const key k = generate_key(key_type::ed25519).value();
  std::vector<auth_progress> calls;
  auto cc = user("erin");
  cc.auth_handler = [&](const auth_progress& p, detail::unique_function<void(std::optional<auth_method>)> done) {
    calls.push_back(p);
    if (p.first) return done(auth_method::with_key(k));
    if (p.partial_success) return done(auth_method::with_password(secret_string("pin")));
    done(std::nullopt);
  };
  std::vector<std::string> seen;
  l.run(cc, two_factor_server(k, &seen));
  ASSERT_FALSE(*l.client_result) << l.cl->last_error()->message();
  // No "none" probe: the handler's first choice is sent first.
  EXPECT_EQ(seen, (std::vector<std::string>{"publickey", "publickey", "password"}));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(calls[0].first);
  EXPECT_TRUE(calls[0].methods_left.empty());
  EXPECT_FALSE(calls[1].first);
  EXPECT_TRUE(calls[1].partial_success);
  EXPECT_EQ(calls[1].methods_left, std::vector<std::string>{"password"});
  EXPECT_EQ(l.server->auth_methods_used(), (std::vector<std::string>{"publickey", "password"}));
}

TEST(AuthHandler, AnswersLaterFromAnotherHandler) {
  auth_loopback l;
  auto cc = user("erin");
  cc.auth_handler = [&](const auth_progress& p, detail::unique_function<void(std::optional<auth_method>)> done) {
    // Decide asynchronously, as an application asking a user would.
    boost::asio::post(l.io, [p, d = std::move(done)]() mutable {
      if (p.first) return d(auth_method::none());
      d(auth_method::with_password(secret_string("s3cret")));
    });
  };
  server_config sc;
  sc.authentication = [](auth_request r) {
    if (r.kind() == auth_request::method_kind::password && r.password().view() == "s3cret") return r.accept();
    r.reject({"password"});
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
}

TEST(AuthHandler, SequenceSkipsMethodsTheServerDoesNotList) {
  auth_loopback l;
  const key k = generate_key(key_type::ed25519).value();
  auto cc = user("erin");
  int kbd_rounds = 0;
  cc.auth_handler = auth_sequence({
      auth_method::none(),
      auth_method::with_keyboard_interactive([&](const keyboard_interactive_request&, auto done) {
        ++kbd_rounds;
        done({});
      }),
      auth_method::with_password(secret_string("wrong")),
      auth_method::with_key(k),
  });
  std::vector<std::string> seen;
  server_config sc;
  sc.authentication = [&](auth_request r) {
    seen.push_back(r.method());
    if (r.kind() == auth_request::method_kind::publickey && r.public_key()->equals(k)) return r.accept();
    r.reject({"password", "publickey"});
  };
  l.run(cc, sc);
  ASSERT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(kbd_rounds, 0);  // not listed by the server: never sent
  EXPECT_EQ(seen, (std::vector<std::string>{"none", "password", "publickey", "publickey"}));
}

TEST(AuthHandler, GivingUpFailsWithWhatWasTried) {
  auth_loopback l;
  auto cc = user("erin");
  cc.auth_handler = auth_sequence({auth_method::with_password(secret_string("a")), auth_method::with_password(secret_string("b"))});
  server_config sc;
  sc.authentication = [](auth_request r) { r.reject({"password"}); };
  l.run(cc, sc);
  EXPECT_EQ(*l.client_result, make_error_code(errc::authentication_failed));
  const std::string detail = l.cl->last_error()->message();
  EXPECT_NE(detail.find("password; password;"), std::string::npos) << detail;
}

TEST(AuthHandler, AMethodMissingItsCredentialIsAnError) {
  auth_loopback l;
  auto cc = user("erin");
  cc.auth_handler = [](const auth_progress&, detail::unique_function<void(std::optional<auth_method>)> done) {
    auth_method m;
    m.type = auth_method::kind::publickey;  // no key
    done(std::move(m));
  };
  server_config sc;
  sc.authentication = [](auth_request r) { r.reject(); };
  sc.login_grace_time = std::chrono::milliseconds(2000);
  l.run(cc, sc);
  EXPECT_EQ(*l.client_result, make_error_code(errc::invalid_value));
  EXPECT_NE(l.cl->last_error()->message().find("publickey without a key"), std::string::npos);
}

TEST(AuthHandler, PerMethodUsername) {
  auth_loopback l;
  auto cc = user("erin");
  cc.auth_handler = auth_sequence({[] {
    auto m = auth_method::with_password(secret_string("pw"));
    m.username = "frank";
    return m;
  }()});
  server_config sc;
  sc.authentication = [](auth_request r) {
    if (r.username() == "frank" && r.password().view() == "pw") return r.accept();
    r.reject();
  };
  l.run(cc, sc);
  EXPECT_FALSE(*l.client_result) << l.cl->last_error()->message();
  EXPECT_EQ(l.server->username(), "frank");
}

}  // namespace
}  // namespace sshlib
