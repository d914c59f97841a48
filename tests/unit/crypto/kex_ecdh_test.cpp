// ECDH on P-256/384/521: NIST CAVS KAS ECC CDH (P-256, COUNT = 0), agreement of fresh
// parties on every curve, and refusal of malformed, off-curve and infinity points.
#include "crypto/kex_ecdh.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

std::string hex(const secure_bytes& s) { return to_hex(byte_view(s)); }

constexpr ecdh_curve all_curves[] = {ecdh_curve::nistp256, ecdh_curve::nistp384, ecdh_curve::nistp521};

TEST(Ecdh, MatchesNistCavsP256Count0) {
  auto ours = ecdh_exchange::from_private(
      ecdh_curve::nistp256, from_hex("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534"));
  ASSERT_TRUE(ours) << ours.error().message();
  EXPECT_EQ(to_hex(ours->public_value()),
            "04ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230"
            "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141");
  auto z = ours->derive(from_hex("04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
                                 "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"));
  ASSERT_TRUE(z) << z.error().message();
  EXPECT_EQ(hex(*z), "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");
}

TEST(Ecdh, FreshPartiesAgreeOnEveryCurve) {
  for (auto c : all_curves) {
    auto a = ecdh_exchange::generate(c);
    auto b = ecdh_exchange::generate(c);
    ASSERT_TRUE(a && b) << ecdh_group_name(c);
    EXPECT_EQ(a->public_value().size(), 1 + 2 * ecdh_field_size(c));
    EXPECT_EQ(a->public_value()[0], 0x04);
    auto ka = a->derive(b->public_value());
    auto kb = b->derive(a->public_value());
    ASSERT_TRUE(ka && kb) << ecdh_group_name(c) << ": " << ka.error().message();
    EXPECT_EQ(ka->size(), ecdh_field_size(c));
    EXPECT_EQ(hex(*ka), hex(*kb)) << ecdh_group_name(c);
  }
}

TEST(Ecdh, RejectsOffCurveInfinityCompressedAndWrongSizePoints) {
  for (auto c : all_curves) {
    auto a = ecdh_exchange::generate(c);
    auto b = ecdh_exchange::generate(c);
    ASSERT_TRUE(a && b);
    const auto bad = make_error_code(errc::invalid_public_value);
    bytes off_curve = b->public_value();
    off_curve.back() ^= 1;  // y no longer matches x
    EXPECT_EQ(a->derive(off_curve).code(), bad) << ecdh_group_name(c) << " off curve";
    EXPECT_EQ(a->derive(bytes{0x00}).code(), bad) << "SEC1 encoding of infinity";
    bytes zeros(b->public_value().size(), 0);
    zeros[0] = 0x04;
    EXPECT_EQ(a->derive(zeros).code(), bad) << "(0, 0)";
    bytes compressed(b->public_value().begin(), b->public_value().begin() + 1 + static_cast<long>(ecdh_field_size(c)));
    compressed[0] = 0x02 | (b->public_value().back() & 1);
    EXPECT_EQ(a->derive(compressed).code(), bad) << "compressed form is not allowed in SSH";
    bytes long_point = b->public_value();
    long_point.push_back(0);
    EXPECT_EQ(a->derive(long_point).code(), bad);
    EXPECT_EQ(a->derive({}).code(), bad);
  }
  // A valid point of another curve has the wrong size.
  auto p256 = ecdh_exchange::generate(ecdh_curve::nistp256);
  auto p384 = ecdh_exchange::generate(ecdh_curve::nistp384);
  EXPECT_EQ(p384->derive(p256->public_value()).code(), make_error_code(errc::invalid_public_value));
}

TEST(Ecdh, RejectsOutOfRangePrivateScalars) {
  EXPECT_EQ(ecdh_exchange::from_private(ecdh_curve::nistp256, bytes(32, 0)).code(),
            make_error_code(errc::invalid_value));
  EXPECT_EQ(ecdh_exchange::from_private(ecdh_curve::nistp256, bytes(32, 0xff)).code(),
            make_error_code(errc::invalid_value));
  EXPECT_EQ(ecdh_exchange::from_private(ecdh_curve::nistp256, bytes(31, 1)).code(),
            make_error_code(errc::invalid_key_length));
}

}  // namespace
}  // namespace sshlib::crypto
