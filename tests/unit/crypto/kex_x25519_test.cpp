// X25519: RFC 7748 section 5.2 and 6.1 known answers; degenerate peer values refused.
#include "crypto/kex_x25519.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

std::string hex(const secure_bytes& s) { return to_hex(byte_view(s)); }

TEST(X25519, MatchesRfc7748Section6_1DiffieHellman) {
  auto alice = x25519_exchange::from_private(
      from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = x25519_exchange::from_private(
      from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(to_hex(alice->public_value()), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob->public_value()), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const char* k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  auto ka = alice->derive(bob->public_value());
  auto kb = bob->derive(alice->public_value());
  ASSERT_TRUE(ka && kb) << ka.error().message();
  EXPECT_EQ(hex(*ka), k);
  EXPECT_EQ(hex(*kb), k);
}

TEST(X25519, MatchesRfc7748Section5_2ScalarMultiplication) {
  auto x = x25519_exchange::from_private(
      from_hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
  ASSERT_TRUE(x);
  auto k = x->derive(from_hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
  ASSERT_TRUE(k);
  EXPECT_EQ(hex(*k), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(X25519, FreshKeyPairsAgreeAndDiffer) {
  auto a = x25519_exchange::generate();
  auto b = x25519_exchange::generate();
  ASSERT_TRUE(a && b);
  EXPECT_NE(to_hex(a->public_value()), to_hex(b->public_value()));
  auto ka = a->derive(b->public_value());
  auto kb = b->derive(a->public_value());
  ASSERT_TRUE(ka && kb);
  EXPECT_EQ(hex(*ka), hex(*kb));
}

TEST(X25519, RejectsLowOrderPointsGivingAnAllZeroSecret) {
  auto a = x25519_exchange::generate();
  ASSERT_TRUE(a);
  // u = 0 and u = 1 have small order: every scalar maps them to zero.
  for (const char* u : {"0000000000000000000000000000000000000000000000000000000000000000",
                        "0100000000000000000000000000000000000000000000000000000000000000"}) {
    EXPECT_EQ(a->derive(from_hex(u)).code(), make_error_code(errc::invalid_public_value)) << u;
  }
}

TEST(X25519, RejectsWrongLengthPublicValuesAndPrivateKeys) {
  auto a = x25519_exchange::generate();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->derive(bytes(31, 9)).code(), make_error_code(errc::invalid_public_value));
  EXPECT_EQ(a->derive(bytes(33, 9)).code(), make_error_code(errc::invalid_public_value));
  EXPECT_EQ(a->derive({}).code(), make_error_code(errc::invalid_public_value));
  EXPECT_EQ(x25519_exchange::from_private(bytes(31)).code(), make_error_code(errc::invalid_key_length));
}

}  // namespace
}  // namespace sshlib::crypto
