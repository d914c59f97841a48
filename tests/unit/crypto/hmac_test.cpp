// HMAC known answers from RFC 2202 (MD5, SHA-1), RFC 4231 (SHA-2) and RFC 2286 (RIPEMD-160).
#include "crypto/hmac.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

struct hmac_vector {
  hmac_algorithm alg;
  bytes key;
  bytes data;
  const char* mac;  // possibly truncated
};

bytes repeat(std::uint8_t b, std::size_t n) { return bytes(n, b); }
bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

std::vector<hmac_vector> rfc_vectors() {
  const auto ltb = text("Test Using Larger Than Block-Size Key - Hash Key First");
  return {
      // RFC 2202 section 2 (MD5): test cases 1, 2, 3, 5 (96-bit truncation), 6.
      {hmac_algorithm::md5, repeat(0x0b, 16), text("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
      {hmac_algorithm::md5, text("Jefe"), text("what do ya want for nothing?"),
       "750c783e6ab0b503eaa86e310a5db738"},
      {hmac_algorithm::md5, repeat(0xaa, 16), repeat(0xdd, 50), "56be34521d144c88dbb8c733f0e8b3f6"},
      {hmac_algorithm::md5, repeat(0x0c, 16), text("Test With Truncation"), "56461ef2342edc00f9bab995"},
      {hmac_algorithm::md5, repeat(0xaa, 80), ltb, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      // RFC 2202 section 3 (SHA-1).
      {hmac_algorithm::sha1, repeat(0x0b, 20), text("Hi There"),
       "b617318655057264e28bc0b6fb378c8ef146be00"},
      {hmac_algorithm::sha1, text("Jefe"), text("what do ya want for nothing?"),
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {hmac_algorithm::sha1, repeat(0xaa, 20), repeat(0xdd, 50),
       "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {hmac_algorithm::sha1, repeat(0x0c, 20), text("Test With Truncation"), "4c1a03424b55e07fe7f27be1"},
      {hmac_algorithm::sha1, repeat(0xaa, 80), ltb, "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      // RFC 4231 test cases 1, 2, 3, 5 (128-bit truncation), 6.
      {hmac_algorithm::sha256, repeat(0x0b, 20), text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {hmac_algorithm::sha256, text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {hmac_algorithm::sha256, repeat(0xaa, 20), repeat(0xdd, 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {hmac_algorithm::sha256, repeat(0x0c, 20), text("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
      {hmac_algorithm::sha256, repeat(0xaa, 131), ltb,
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {hmac_algorithm::sha512, repeat(0x0b, 20), text("Hi There"),
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
      {hmac_algorithm::sha512, text("Jefe"), text("what do ya want for nothing?"),
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
      {hmac_algorithm::sha512, repeat(0xaa, 20), repeat(0xdd, 50),
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
      {hmac_algorithm::sha512, repeat(0x0c, 20), text("Test With Truncation"),
       "415fad6271580a531d4179bc891d87a6"},
      {hmac_algorithm::sha512, repeat(0xaa, 131), ltb,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
  };
}

TEST(Hmac, MatchesRfcKnownAnswersOneShot) {
  for (const auto& v : rfc_vectors()) {
    const std::size_t len = std::string_view(v.mac).size() / 2;
    auto mac = hmac(v.alg, v.key, v.data, len);
    ASSERT_TRUE(mac) << mac.error().message();
    EXPECT_EQ(to_hex(*mac), v.mac) << hmac_digest_name(v.alg);
  }
}

TEST(Hmac, IncrementalUpdatesMatchOneShotAndContextIsReusable) {
  for (const auto& v : rfc_vectors()) {
    const std::size_t len = std::string_view(v.mac).size() / 2;
    auto ctx = hmac_context::create(v.alg, v.key);
    ASSERT_TRUE(ctx) << ctx.error().message();
    // Twice through the same context: the second message must not see the first.
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = 0; i < v.data.size(); i += 7) {
        const std::size_t n = std::min<std::size_t>(7, v.data.size() - i);
        ASSERT_TRUE(ctx->update(byte_view(v.data).subspan(i, n)));
      }
      auto mac = ctx->finish(len);
      ASSERT_TRUE(mac);
      EXPECT_EQ(to_hex(*mac), v.mac) << hmac_digest_name(v.alg) << " round " << round;
    }
  }
}

TEST(Hmac, Ripemd160MatchesRfc2286OrReportsUnavailable) {
  auto mac = hmac(hmac_algorithm::ripemd160, repeat(0x0b, 20), text("Hi There"));
  if (!mac) {
    EXPECT_EQ(mac.code(), make_error_code(errc::algorithm_unavailable)) << mac.error().message();
    GTEST_SKIP() << "RIPEMD-160 not in this OpenSSL's default provider: " << mac.error().message();
  }
  EXPECT_EQ(to_hex(*mac), "24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668");
  auto jefe = hmac(hmac_algorithm::ripemd160, text("Jefe"), text("what do ya want for nothing?"));
  ASSERT_TRUE(jefe);
  EXPECT_EQ(to_hex(*jefe), "dda6c0213a485a9e24f4742064a7f033b43c4069");
}

TEST(Hmac, RejectsOutputLongerThanTheMac) {
  auto ctx = hmac_context::create(hmac_algorithm::sha1, repeat(1, 20));
  ASSERT_TRUE(ctx);
  std::uint8_t out[21];
  EXPECT_EQ(ctx->finish(mutable_byte_view(out)).code(), make_error_code(errc::invalid_value));
  EXPECT_EQ(ctx->finish(mutable_byte_view(out, 0)).code(), make_error_code(errc::invalid_value));
}

TEST(Hmac, EmptyKeyIsAValidKey) {
  // RFC 2104 allows any key length; an empty key must not mean "no key".
  auto mac = hmac(hmac_algorithm::sha256, {}, {});
  ASSERT_TRUE(mac) << mac.error().message();
  EXPECT_EQ(to_hex(*mac), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

}  // namespace
}  // namespace sshlib::crypto
