#include <bastion/recording/utf8_text.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bastion::recording {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(Utf8Text, AsciiAndCompleteSequencesPassUnchanged) {
  utf8_text t;
  const std::string s = "ls -l \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\r\n";
  EXPECT_EQ(t.decode(bytes(s)), s);
  EXPECT_FALSE(t.holding());
}

TEST(Utf8Text, ASequenceSplitBetweenReadsIsKeptWhole) {
  const std::string euro = "\xE2\x82\xAC";
  const std::string smile = "\xF0\x9F\x98\x80";
  for (std::size_t cut = 1; cut < smile.size(); ++cut) {
    utf8_text t;
    EXPECT_EQ(t.decode(bytes("a" + smile.substr(0, cut))), "a");
    EXPECT_TRUE(t.holding());
    EXPECT_EQ(t.decode(bytes(smile.substr(cut) + "b")), smile + "b");
  }
  // Split over three reads.
  utf8_text t;
  EXPECT_EQ(t.decode(bytes(euro.substr(0, 1))), "");
  EXPECT_EQ(t.decode(bytes(euro.substr(1, 1))), "");
  EXPECT_EQ(t.decode(bytes(euro.substr(2))), euro);
}

TEST(Utf8Text, InvalidBytesBecomeReplacementCharacters) {
  const std::string r = "\xEF\xBF\xBD";
  utf8_text t;
  EXPECT_EQ(t.decode(bytes("a\xFF"
                           "b")),
            "a" + r + "b");
  EXPECT_EQ(t.decode(bytes("\x80")), r);                          // a lone continuation byte
  EXPECT_EQ(t.decode(bytes("\xC0\xAF")), r + r);                  // an overlong '/'
  EXPECT_EQ(t.decode(bytes("\xED\xA0\x80")), r + r + r);          // a UTF-16 surrogate
  EXPECT_EQ(t.decode(bytes("\xF4\x90\x80\x80")), r + r + r + r);  // past U+10FFFF
  EXPECT_EQ(t.decode(bytes("\xE2\x82"
                           "x")),
            r + "x");  // a broken sequence: one replacement
}

TEST(Utf8Text, FlushReplacesWhatWasHeldBack) {
  utf8_text t;
  EXPECT_EQ(t.decode(bytes("\xE2\x82")), "");
  EXPECT_EQ(t.flush(), "\xEF\xBF\xBD");
  EXPECT_FALSE(t.holding());
  EXPECT_EQ(t.flush(), "");
}

TEST(Utf8Text, EveryByteStringDecodesToValidUtf8) {
  // Exhaustive over two-byte inputs fed one byte at a time: the output must always be
  // valid UTF-8 (nlohmann::json refuses to dump invalid UTF-8 by default).
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      utf8_text t;
      const std::uint8_t x[] = {static_cast<std::uint8_t>(a)};
      const std::uint8_t y[] = {static_cast<std::uint8_t>(b)};
      std::string out = t.decode(x);
      out += t.decode(y);
      out += t.flush();
      ASSERT_NO_THROW((void)nlohmann::json(out).dump()) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace bastion::recording
