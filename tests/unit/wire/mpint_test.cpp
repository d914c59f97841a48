// mpint edge cases, including every example of RFC 4251 section 5.
#include "wire/mpint.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::wire {
namespace {

using test::from_hex;
using test::to_hex;

std::string encode(const mpint& m) {
  bytes out;
  writer(out).write_mpint(m);
  return to_hex(out);
}

mpint decode_ok(std::string_view hex) {
  const bytes in = from_hex(hex);
  reader r(in);
  mpint m;
  EXPECT_TRUE(r.read_mpint(m) && r.expect_end()) << hex << ": " << r.error().message();
  return m;
}

boost::system::error_code decode_error(std::string_view hex) {
  const bytes in = from_hex(hex);
  reader r(in);
  mpint m;
  EXPECT_FALSE(r.read_mpint(m)) << hex;
  return r.error();
}

struct rfc_example {
  bool negative;
  const char* magnitude;
  const char* wire;
};

class MpintRfcExamples : public ::testing::TestWithParam<rfc_example> {};

TEST_P(MpintRfcExamples, EncodeAndDecodeRoundTrip) {
  const auto& ex = GetParam();
  const mpint m{ex.negative, from_hex(ex.magnitude)};
  EXPECT_EQ(encode(m), ex.wire);
  EXPECT_EQ(decode_ok(ex.wire), m);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4251, MpintRfcExamples,
    ::testing::Values(rfc_example{false, "", "00000000"},
                      rfc_example{false, "09a378f9b2e332a7", "0000000809a378f9b2e332a7"},
                      rfc_example{false, "80", "000000020080"},
                      rfc_example{true, "1234", "00000002edcc"},
                      rfc_example{true, "deadbeef", "00000005ff21524111"}));

TEST(Mpint, NegativeZeroEncodesAsZero) { EXPECT_EQ(encode(mpint{true, {}}), "00000000"); }

TEST(Mpint, LeadingZerosInMagnitudeAreStripped) {
  EXPECT_EQ(encode(mpint{false, from_hex("000001")}), "0000000101");
  EXPECT_EQ(encode(mpint::from_unsigned(from_hex("0000ff"))), "0000000200ff");
}

TEST(Mpint, NegativeBoundaryValues) {
  // -128 is 0x80 in one byte; -129 needs two bytes ff7f; -256 is ff00; -32768 is 8000.
  EXPECT_EQ(encode(mpint{true, from_hex("80")}), "0000000180");
  EXPECT_EQ(encode(mpint{true, from_hex("81")}), "00000002ff7f");
  EXPECT_EQ(encode(mpint{true, from_hex("0100")}), "00000002ff00");
  EXPECT_EQ(encode(mpint{true, from_hex("8000")}), "000000028000");
  EXPECT_EQ(encode(mpint{true, from_hex("01")}), "00000001ff");
  EXPECT_EQ(decode_ok("00000001ff"), (mpint{true, from_hex("01")}));
  EXPECT_EQ(decode_ok("00000002ff00"), (mpint{true, from_hex("0100")}));
  EXPECT_EQ(decode_ok("0000000180"), (mpint{true, from_hex("80")}));
}

TEST(Mpint, RejectsNeedlessLeadingZero) {
  EXPECT_EQ(decode_error("0000000100"), make_error_code(errc::non_canonical_mpint));
  EXPECT_EQ(decode_error("00000002007f"), make_error_code(errc::non_canonical_mpint));
  EXPECT_EQ(decode_error("0000000300 0080"), make_error_code(errc::non_canonical_mpint));
}

TEST(Mpint, RejectsNeedlessLeadingFF) {
  EXPECT_EQ(decode_error("00000002ff80"), make_error_code(errc::non_canonical_mpint));
  EXPECT_EQ(decode_error("00000003ffff01"), make_error_code(errc::non_canonical_mpint));
}

TEST(Mpint, RejectsOversizedBeforeReadingBody) {
  const bytes in = from_hex("00000003 010203");
  reader r(in);
  mpint m;
  EXPECT_FALSE(r.read_mpint(m, 2));
  EXPECT_EQ(r.error(), make_error_code(errc::length_exceeds_limit));
}

TEST(UnsignedMpint, ReturnsMagnitudeWithoutSignByte) {
  const bytes in = from_hex("000000020080 00000000 0000000101");
  reader r(in);
  byte_view a, zero, one;
  ASSERT_TRUE(r.read_unsigned_mpint(a) && r.read_unsigned_mpint(zero) &&
              r.read_unsigned_mpint(one) && r.expect_end());
  EXPECT_EQ(to_hex(a), "80");
  EXPECT_TRUE(zero.empty());
  EXPECT_EQ(to_hex(one), "01");
}

TEST(UnsignedMpint, RejectsNegative) {
  const bytes in = from_hex("00000002edcc");
  reader r(in);
  byte_view v;
  EXPECT_FALSE(r.read_unsigned_mpint(v));
  EXPECT_EQ(r.error(), make_error_code(errc::negative_mpint));
}

TEST(UnsignedMpint, WriterPadsTopBitAndStripsZeros) {
  bytes out;
  writer w(out);
  w.write_unsigned_mpint(from_hex("00ff"));
  w.write_unsigned_mpint(from_hex("0000"));
  w.write_unsigned_mpint(from_hex("7f"));
  EXPECT_EQ(to_hex(out), "0000000200ff" "00000000" "000000017f");
}

// Every 16-bit value round-trips through write and read, positive and negative.
TEST(Mpint, ExhaustiveSixteenBitRoundTrip) {
  for (int v = 0; v < 65536; ++v) {
    for (bool neg : {false, true}) {
      const mpint m = mpint::from_unsigned(
          from_hex(test::to_hex(bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)})));
      const mpint signed_m{neg && !m.is_zero(), m.magnitude};
      bytes out;
      writer(out).write_mpint(signed_m);
      reader r(out);
      mpint back;
      ASSERT_TRUE(r.read_mpint(back) && r.expect_end()) << v;
      ASSERT_EQ(back, signed_m) << (neg ? "-" : "") << v;
    }
  }
}

}  // namespace
}  // namespace sshlib::wire
