// next_auth_methods: multi-factor chains advance in order; complete when one chain is done.
#include <bastion/policy/authentication.hpp>

#include "policy_fixtures.hpp"

namespace bastion::policy {
namespace {

using m = auth_method;

class AuthChains : public ::testing::Test {
 protected:
  std::shared_ptr<const policy_set> p_;

  void SetUp() override {
    auto doc = test::base_policy(test::new_key());
    doc["users"]["alice"]["password_hash"] = doc["users"]["bob"]["password_hash"];
    doc["users"]["alice"]["totp"] = {{"secret_base32", "JBSWY3DPEHPK3PXP"}};
    doc["users"]["alice"]["auth"] = nlohmann::json::parse(
        R"([["publickey", "keyboard-interactive"], ["password", "keyboard-interactive"]])");
    p_ = test::must_load(doc);
    ASSERT_TRUE(p_);
  }

  auth_progress next(std::string_view user, std::vector<auth_method> done) {
    return next_auth_methods(*p_, user, done);
  }
};

TEST_F(AuthChains, NothingDoneOffersEachChainsFirstMethod) {
  const auto a = next("alice", {});
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.can_continue, (std::vector<auth_method>{m::publickey, m::password}));
}

TEST_F(AuthChains, FirstFactorDoneOffersTheSecond) {
  const auto a = next("alice", {m::publickey});
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.can_continue, std::vector<auth_method>{m::keyboard_interactive});
}

TEST_F(AuthChains, BothFactorsComplete) {
  EXPECT_TRUE(next("alice", {m::publickey, m::keyboard_interactive}).complete);
  EXPECT_TRUE(next("alice", {m::password, m::keyboard_interactive}).complete);
  EXPECT_TRUE(next("alice", {m::publickey, m::keyboard_interactive}).can_continue.empty());
}

TEST_F(AuthChains, OrderMatters) {
  const auto a = next("alice", {m::keyboard_interactive});
  EXPECT_FALSE(a.complete);
  EXPECT_TRUE(a.can_continue.empty());
  EXPECT_FALSE(next("alice", {m::keyboard_interactive, m::publickey}).complete);
}

TEST_F(AuthChains, SingleFactorUsersCompleteAtOnce) {
  EXPECT_TRUE(next("bob", {m::password}).complete);
  EXPECT_EQ(next("bob", {}).can_continue, std::vector<auth_method>{m::password});
  EXPECT_FALSE(next("bob", {m::publickey}).complete);
}

TEST_F(AuthChains, UnknownUserLooksLikeAnyUser) {
  const auto a = next("mallory", {});
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.can_continue,
            (std::vector<auth_method>{m::publickey, m::password, m::keyboard_interactive}));
  EXPECT_FALSE(next("mallory", {m::publickey, m::password, m::keyboard_interactive}).complete);
}

TEST(AuthMethodName, SshNames) {
  EXPECT_EQ(auth_method_name(m::publickey), "publickey");
  EXPECT_EQ(auth_method_name(m::password), "password");
  EXPECT_EQ(auth_method_name(m::keyboard_interactive), "keyboard-interactive");
}

}  // namespace
}  // namespace bastion::policy
