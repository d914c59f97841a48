// The client's ready_timeout bounds a login that waits on its agent: an agent that lists a
// key the server accepts and then never signs (a forwarded agent whose user went quiet)
// ends async_connect with a timeout instead of leaving it waiting for ever.
#include "auth_loopback.hpp"

#include <sshlib/agent.hpp>
#include <sshlib/error.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

class never_signing_agent final : public agent {
 public:
  never_signing_agent(executor_type ex, key k) : ex_(std::move(ex)), key_(std::move(k)) {}
  executor_type get_executor() override { return ex_; }
  bool asked_to_sign = false;

 private:
  void do_identities(identities_handler h) override { h({}, {key_.public_only()}); }
  void do_sign(const key&, bytes, sign_flags, sign_handler h) override {
    asked_to_sign = true;
    pending_ = std::make_unique<sign_handler>(std::move(h));  // never answered
  }
  executor_type ex_;
  key key_;
  std::unique_ptr<sign_handler> pending_;
};

TEST(AgentDeadline, AnAgentThatNeverSignsEndsTheLoginAtTheReadyTimeout) {
  test::auth_loopback l;
  auto a = std::make_shared<never_signing_agent>(l.io.get_executor(),
                                                 generate_key(key_type::ed25519).value());
  auto cc = test::user("alice");
  cc.agent = a;
  cc.ready_timeout = std::chrono::milliseconds(500);
  server_config sc;
  sc.auth_methods = {"publickey"};
  sc.authentication = [](auth_request r) {
    // A publickey query gets PK_OK, so the client's agent is asked for a signature.
    if (r.kind() == auth_request::method_kind::publickey) return r.accept();
    r.reject({"publickey"});
  };
  l.run(std::move(cc), std::move(sc));
  ASSERT_TRUE(l.client_result.has_value());
  EXPECT_TRUE(a->asked_to_sign);
  EXPECT_EQ(*l.client_result, make_error_code(errc::timeout)) << l.client_result->message();
}

}  // namespace
}  // namespace sshlib
