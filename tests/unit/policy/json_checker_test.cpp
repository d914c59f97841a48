// The reusable JSON walker: pointers, typed getters, unknown keys with suggestions.
#include <bastion/policy/json_checker.hpp>

#include <gtest/gtest.h>

namespace bastion::policy {
namespace {

TEST(JsonChecker, PointersEscapeTildeAndSlash) {
  EXPECT_EQ(json_child("/a", "b/c~d"), "/a/b~1c~0d");
  EXPECT_EQ(json_child("/rules", std::size_t{2}), "/rules/2");
}

TEST(JsonChecker, FormatsSourcePointerMessage) {
  EXPECT_EQ(format_problem({"/etc/p.json", "/rules/0", "bad"}), "/etc/p.json:/rules/0: bad");
  EXPECT_EQ(format_problem({"inline", "", "not JSON"}), "inline:/: not JSON");
  EXPECT_EQ(format_problems({{"a", "/x", "1"}, {"a", "/y", "2"}}), "a:/x: 1\na:/y: 2\n");
}

TEST(JsonChecker, UnknownKeysAreReportedWithASuggestion) {
  json_checker c("inline");
  const auto v = nlohmann::json::parse(R"({"shel": true, "exec": true, "zzzzzz": 1})");
  object_reader r(c, v, "/allow", "allow", {"shell", "exec"});
  ASSERT_EQ(c.problems().size(), 2u);
  EXPECT_EQ(c.problems()[0].pointer, "/allow/shel");
  EXPECT_EQ(c.problems()[0].message, "unknown key \"shel\" (did you mean \"shell\"?)");
  EXPECT_EQ(c.problems()[1].message, "unknown key \"zzzzzz\"");
}

TEST(JsonChecker, NotAnObject) {
  json_checker c("f");
  const auto v = nlohmann::json::parse("[1]");
  object_reader r(c, v, "/x", "a target", {});
  EXPECT_FALSE(r.is_object());
  EXPECT_EQ(c.problems().at(0).message, "a target must be an object, not an array");
}

TEST(JsonChecker, TypedGetters) {
  json_checker c("f");
  const auto v = nlohmann::json::parse(
      R"({"port": 70000, "n": -1, "s": 5, "b": "yes", "e": "", "a": ["x", 3], "f": 1.5})");
  object_reader r(c, v, "", "it", {"port", "n", "s", "b", "e", "a", "f"});
  EXPECT_FALSE(r.get_integer("port", 1, 65535));
  EXPECT_FALSE(r.get_integer("n", 0, 10, "count"));
  EXPECT_FALSE(r.get_integer("f", 0, 10));
  EXPECT_FALSE(r.get_string("s"));
  EXPECT_FALSE(r.get_bool("b"));
  EXPECT_FALSE(r.get_string("e"));
  EXPECT_FALSE(r.get_string("missing", true));
  const auto a = r.get_string_array("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, std::vector<std::string>{"x"});
  std::vector<std::string> got;
  for (const auto& p : c.problems()) got.push_back(p.pointer + " " + p.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "/port port 70000 is out of range 1-65535",
                     "/n count -1 is out of range 0-10",
                     "/f f must be an integer, not a number with a fraction",
                     "/s s must be a string, not an integer",
                     "/b b must be true or false, not a string",
                     "/e e must not be empty",
                     " missing required key \"missing\"",
                     "/a/1 each element must be a string, not an integer",
                 }));
}

TEST(JsonChecker, ClosestKeyOnlyForPlausibleTypos) {
  EXPECT_EQ(closest_key("agent_forwardin", {"agent_forwarding", "x11"}), "agent_forwarding");
  EXPECT_EQ(closest_key("x", {"x11"}), "");
  EXPECT_EQ(closest_key(std::string(100, 'a'), {"a"}), "");
}

}  // namespace
}  // namespace bastion::policy
