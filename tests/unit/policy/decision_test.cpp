// decision.hpp (included first, to show it is self-contained).
#include <bastion/policy/decision.hpp>

#include <bastion/policy/model.hpp>

#include <gtest/gtest.h>

namespace bastion::policy {
namespace {

TEST(Decision, AllowAndDeny) {
  const auto a = decision::allow("ok", "r1");
  EXPECT_TRUE(a);
  EXPECT_EQ(a.rule, "r1");
  const auto d = decision::deny("no");
  EXPECT_FALSE(d);
  EXPECT_TRUE(d.rule.empty());
}

TEST(Decision, ModeNames) {
  EXPECT_EQ(access_mode_name(access_mode::hop), "hop");
  EXPECT_EQ(access_mode_name(access_mode::terminating), "terminating");
}

}  // namespace
}  // namespace bastion::policy
