// OpenSSH host patterns: wildcards, case, negation in lists, and bounded matching time.
#include "keys/host_patterns.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace sshlib::keys {
namespace {

TEST(HostPatterns, LiteralsMatchWholeNamesOnly) {
  EXPECT_TRUE(wildcard_match("host.example", "host.example", false));
  EXPECT_FALSE(wildcard_match("host.example", "host.exampl", false));
  EXPECT_FALSE(wildcard_match("host.exampl", "host.example", false));
  EXPECT_TRUE(wildcard_match("", "", false));
  EXPECT_FALSE(wildcard_match("a", "", false));
}

TEST(HostPatterns, StarMatchesAnyRunAndQuestionMarkOneCharacter) {
  EXPECT_TRUE(wildcard_match("web1.example.com", "*.example.com", false));
  EXPECT_TRUE(wildcard_match(".example.com", "*.example.com", false));
  EXPECT_FALSE(wildcard_match("example.com", "*.example.com", false));
  EXPECT_TRUE(wildcard_match("anything", "*", false));
  EXPECT_TRUE(wildcard_match("", "*", false));
  EXPECT_TRUE(wildcard_match("web1", "web?", false));
  EXPECT_FALSE(wildcard_match("web12", "web?", false));
  EXPECT_FALSE(wildcard_match("web", "web?", false));
  EXPECT_TRUE(wildcard_match("10.0.0.7", "10.0.?.*", false));
  EXPECT_TRUE(wildcard_match("[web1.example.com]:2222", "[*.example.com]:2222", false));
  EXPECT_FALSE(wildcard_match("[web1.example.com]:2223", "[*.example.com]:2222", false));
  EXPECT_TRUE(wildcard_match("abcabcabd", "*abd", false));
  EXPECT_TRUE(wildcard_match("aXbXc", "a*b*c", false));
  EXPECT_FALSE(wildcard_match("aXbXd", "a*b*c", false));
}

TEST(HostPatterns, CaseFoldingIsOptionalAndAsciiOnly) {
  EXPECT_TRUE(wildcard_match("host.example", "HOST.Example", true));
  EXPECT_FALSE(wildcard_match("host.example", "HOST.Example", false));
  EXPECT_FALSE(wildcard_match("\xc3\xa9", "\xc3\x89", true));
  EXPECT_EQ(ascii_lower("MiXeD-1.\xc3\x89"), "mixed-1.\xc3\x89");
}

TEST(HostPatterns, HostilePatternsRunInBoundedTime) {
  const std::string name(4000, 'a');
  std::string pattern;
  for (int i = 0; i < 2000; ++i) pattern += "*a";
  pattern += "b";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wildcard_match(name, pattern, true));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HostPatterns, ListMatchesAnyItemAndNegationWins) {
  EXPECT_EQ(match_pattern_list("b.example", "a.example,b.example"), pattern_list_match::matched);
  EXPECT_EQ(match_pattern_list("c.example", "a.example,b.example"), pattern_list_match::none);
  EXPECT_EQ(match_pattern_list("pc.lab.example", "*.lab.example,!pc.lab.example"), pattern_list_match::negated);
  // The negation wins wherever it stands in the list.
  EXPECT_EQ(match_pattern_list("pc.lab.example", "!pc.lab.example,*.lab.example"), pattern_list_match::negated);
  EXPECT_EQ(match_pattern_list("ws.lab.example", "*.lab.example,!pc.lab.example"), pattern_list_match::matched);
  // A negation alone never makes a match.
  EXPECT_EQ(match_pattern_list("ws.lab.example", "!pc.lab.example"), pattern_list_match::none);
  EXPECT_EQ(match_pattern_list("HOST", "host"), pattern_list_match::matched);
  EXPECT_EQ(match_pattern_list("", "a,,b"), pattern_list_match::matched);
  EXPECT_EQ(match_pattern_list("x", "a,,b"), pattern_list_match::none);
}

}  // namespace
}  // namespace sshlib::keys
