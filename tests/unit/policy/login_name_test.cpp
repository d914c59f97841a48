// parse_login_name: terminating mode's user+login@target syntax.
#include <bastion/policy/login_name.hpp>

#include <gtest/gtest.h>

namespace bastion::policy {
namespace {

TEST(LoginName, UserAloneHasNoTarget) {
  const auto n = parse_login_name("alice");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->user, "alice");
  EXPECT_FALSE(n->target);
  EXPECT_FALSE(n->login);
}

TEST(LoginName, UserPlusTarget) {
  const auto n = parse_login_name("alice+web1");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->user, "alice");
  EXPECT_EQ(n->target, "web1");
  EXPECT_FALSE(n->login);
}

TEST(LoginName, UserPlusLoginAtTarget) {
  const auto n = parse_login_name("alice+root@web1");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->user, "alice");
  EXPECT_EQ(n->target, "web1");
  EXPECT_EQ(n->login, "root");
}

TEST(LoginName, AcceptsDotsDashesUnderscoresAndDigits) {
  const auto n = parse_login_name("a.l-i_ce9+svc_deploy@web-1.prod");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->user, "a.l-i_ce9");
  EXPECT_EQ(n->login, "svc_deploy");
  EXPECT_EQ(n->target, "web-1.prod");
}

void expect_error(std::string_view name, std::string_view text) {
  const auto n = parse_login_name(name);
  ASSERT_FALSE(n) << name;
  EXPECT_NE(n.error().detail.find(text), std::string::npos) << name << ": " << n.error().detail;
}

TEST(LoginName, RejectsEmptyParts) {
  expect_error("", "user name is empty");
  expect_error("+web1", "user name is empty");
  expect_error("alice+", "target is empty");
  expect_error("alice+root@", "target is empty");
  expect_error("alice+@web1", "login is empty");
}

TEST(LoginName, RejectsMoreThanOnePlus) {
  expect_error("alice+web1+db1", "more than one '+'");
}

TEST(LoginName, RejectsAtWithoutPlusAndTwoAts) {
  expect_error("alice@web1", "only allowed after a '+'");
  expect_error("alice+root@web1@x", "more than one '@'");
}

TEST(LoginName, RejectsCharactersOutsideTheSet) {
  expect_error("al ice", "may only contain");
  expect_error("alice+web1;rm", "the target \"web1;rm\" may only contain");
  expect_error("alice+r/oot@web1", "the login \"r/oot\" may only contain");
  expect_error("alice\n+web1", "user name");
}

TEST(LoginName, RejectsOverlongParts) {
  expect_error(std::string(65, 'a'), "longer than 64");
  EXPECT_TRUE(parse_login_name(std::string(64, 'a')));
}

TEST(LoginName, ValidNames) {
  EXPECT_TRUE(is_valid_name("web1"));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("a b"));
  EXPECT_FALSE(is_valid_name("*"));
}

}  // namespace
}  // namespace bastion::policy
