#include "wire/reader.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::wire {
namespace {

using test::from_hex;

TEST(WireReader, ReadsFixedWidthIntegersBigEndian) {
  const bytes in = from_hex("01 00 ff 12345678 0102030405060708");
  reader r(in);
  std::uint8_t b = 0;
  bool t = false, f = true;
  std::uint32_t u32 = 0;
  std::uint64_t u64 = 0;
  ASSERT_TRUE(r.read_bool(t) && r.read_bool(f) && r.read_byte(b) && r.read_u32(u32) &&
              r.read_u64(u64));
  EXPECT_TRUE(t);
  EXPECT_FALSE(f);
  EXPECT_EQ(b, 0xff);
  EXPECT_EQ(u32, 0x12345678u);
  EXPECT_EQ(u64, 0x0102030405060708ull);
  EXPECT_TRUE(r.expect_end());
}

TEST(WireReader, AnyNonZeroBooleanIsTrue) {
  const bytes in = from_hex("02 80");
  reader r(in);
  bool a = false, b = false;
  ASSERT_TRUE(r.read_bool(a) && r.read_bool(b));
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
}

TEST(WireReader, ReadsStringsAsViewsAndCopies) {
  const bytes in = from_hex("00000007 74657374696e67 00000000");
  reader r(in);
  std::string s;
  byte_view empty;
  ASSERT_TRUE(r.read_string(s) && r.read_string(empty));
  EXPECT_EQ(s, "testing");
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(r.expect_end());
}

TEST(WireReader, StringLongerThanCapFailsBeforeReading) {
  const bytes in = from_hex("00000005 6162636465");
  reader r(in);
  std::string s;
  EXPECT_FALSE(r.read_string(s, 4));
  EXPECT_EQ(r.error(), make_error_code(errc::length_exceeds_limit));
  EXPECT_EQ(r.error_offset(), 0u);
}

TEST(WireReader, HugeDeclaredLengthIsTruncatedNotAllocated) {
  const bytes in = from_hex("fffffff0 41");
  reader r(in);
  byte_view v;
  EXPECT_FALSE(r.read_string(v, 0xffffffffu));
  EXPECT_EQ(r.error(), make_error_code(errc::truncated));
}

TEST(WireReader, ErrorIsStickyAndKeepsFirstOffset) {
  const bytes in = from_hex("00000001 0000");
  reader r(in);
  std::uint32_t a = 0, b = 0;
  EXPECT_TRUE(r.read_u32(a));
  EXPECT_FALSE(r.read_u32(b));
  EXPECT_EQ(r.error_offset(), 4u);
  std::uint8_t c = 0;
  EXPECT_FALSE(r.read_byte(c));  // two bytes remain, but the reader has failed
  EXPECT_EQ(r.error(), make_error_code(errc::truncated));
  EXPECT_EQ(r.error_offset(), 4u);
}

TEST(WireReader, TrailingDataIsReported) {
  const bytes in = from_hex("00");
  reader r(in);
  EXPECT_FALSE(r.expect_end());
  EXPECT_EQ(r.error(), make_error_code(errc::trailing_data));
}

// A message of every type, cut at every offset: each prefix must fail cleanly with
// `truncated`, and only the whole message parses.
TEST(WireReader, TruncationAtEveryOffsetFailsCleanly) {
  const bytes msg = from_hex(
      "14 01 deadbeef 0011223344556677 00000003 616263 00000002 0080 0000000b 6162632c64656667682c69");
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    reader r(byte_view(msg).first(cut));
    std::uint8_t type = 0;
    bool flag = false;
    std::uint32_t u32 = 0;
    std::uint64_t u64 = 0;
    std::string s;
    mpint m;
    std::vector<std::string> names;
    const bool ok = r.read_byte(type) && r.read_bool(flag) && r.read_u32(u32) && r.read_u64(u64) &&
                    r.read_string(s) && r.read_mpint(m) && r.read_name_list(names) && r.expect_end();
    if (cut == msg.size()) {
      EXPECT_TRUE(ok) << r.error().message();
      EXPECT_EQ(names, (std::vector<std::string>{"abc", "defgh", "i"}));
    } else {
      EXPECT_FALSE(ok) << "cut at " << cut;
      EXPECT_EQ(r.error(), make_error_code(errc::truncated)) << "cut at " << cut;
      EXPECT_LE(r.error_offset(), cut);
    }
  }
}

}  // namespace
}  // namespace sshlib::wire
