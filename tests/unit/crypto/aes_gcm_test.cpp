// aes*-gcm@openssh.com: the RFC 5647 nonce sequence and length-as-AAD layout, cross-checked
// against cipher_context (whose GCM known answers are in cipher_test.cpp).
#include "crypto/aes_gcm.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

// Seals with a plain GCM context and an explicit nonce: what packet n must look like.
bytes expected_sealed(byte_view key, byte_view iv, byte_view packet) {
  auto c = cipher_context::create(key.size() == 16 ? "AES-128-GCM" : "AES-256-GCM", key, iv,
                                  cipher_direction::encrypt);
  EXPECT_TRUE(c);
  bytes out(packet.begin(), packet.end());
  EXPECT_TRUE(c->set_aad(packet.first(4)));
  EXPECT_TRUE(c->update(mutable_byte_view(out).subspan(4)));
  EXPECT_TRUE(c->finish());
  auto tag = c->get_tag(16);
  out.insert(out.end(), tag->begin(), tag->end());
  return out;
}

TEST(AesGcm, SealsWithLengthInClearAndIncrementsTheInvocationCounter) {
  for (std::size_t key_len : {16u, 32u}) {
    const bytes key(key_len, 0x42);
    // Counter ff..fe: the second and third packets exercise the carry and the 2^64 wrap,
    // which must not touch the 4-byte fixed field.
    const bytes iv = from_hex("01020304 fffffffffffffffe");
    auto g = aes_gcm::create(key, iv, cipher_direction::encrypt);
    ASSERT_TRUE(g) << g.error().message();
    const char* nonces[] = {"01020304fffffffffffffffe", "01020304ffffffffffffffff",
                            "010203040000000000000000", "010203040000000000000001"};
    for (const char* nonce : nonces) {
      EXPECT_EQ(to_hex(g->next_iv()), nonce);
      bytes packet = from_hex("00000010 04 0102030405060708090a0b 11223344");
      const bytes want = expected_sealed(key, from_hex(nonce), packet);
      std::uint8_t tag[16];
      ASSERT_TRUE(g->seal(packet, tag));
      EXPECT_EQ(to_hex(byte_view(packet).first(4)), "00000010") << "length stays in clear";
      bytes got = packet;
      got.insert(got.end(), tag, tag + 16);
      EXPECT_EQ(to_hex(got), to_hex(want)) << nonce;
    }
  }
}

TEST(AesGcm, OpenRoundTripsAndRejectsTamperingAndReordering) {
  const bytes key(32, 7), iv(12, 9);
  auto sealer = aes_gcm::create(key, iv, cipher_direction::encrypt);
  ASSERT_TRUE(sealer);
  std::vector<bytes> sealed;
  for (int i = 0; i < 3; ++i) {
    bytes p(36, static_cast<std::uint8_t>(i));
    p[0] = 0; p[1] = 0; p[2] = 0; p[3] = 32;
    std::uint8_t tag[16];
    ASSERT_TRUE(sealer->seal(p, tag));
    p.insert(p.end(), tag, tag + 16);
    sealed.push_back(p);
  }
  // Every bit of the first packet, length (AAD) and tag included.
  for (std::size_t bit = 0; bit < sealed[0].size() * 8; ++bit) {
    auto opener = aes_gcm::create(key, iv, cipher_direction::decrypt);
    bytes copy = sealed[0];
    copy[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    ASSERT_EQ(opener->open(mutable_byte_view(copy).first(36), byte_view(copy).subspan(36)).code(),
              make_error_code(errc::authentication_failed)) << "bit " << bit;
  }
  // Skipping packet 0 means packet 1 is opened with the wrong nonce.
  auto opener = aes_gcm::create(key, iv, cipher_direction::decrypt);
  bytes skipped = sealed[1];
  EXPECT_EQ(opener->open(mutable_byte_view(skipped).first(36), byte_view(skipped).subspan(36)).code(),
            make_error_code(errc::authentication_failed));
  auto in_order = aes_gcm::create(key, iv, cipher_direction::decrypt);
  for (int i = 0; i < 3; ++i) {
    bytes p = sealed[static_cast<std::size_t>(i)];
    ASSERT_TRUE(in_order->open(mutable_byte_view(p).first(36), byte_view(p).subspan(36))) << i;
    EXPECT_EQ(p[4], i);
    EXPECT_EQ(p[35], i);
  }
}

TEST(AesGcm, RejectsWrongKeyAndIvSizes) {
  EXPECT_EQ(aes_gcm::create(bytes(24), bytes(12), cipher_direction::encrypt).code(),
            make_error_code(errc::invalid_key_length));
  EXPECT_EQ(aes_gcm::create(bytes(16), bytes(16), cipher_direction::encrypt).code(),
            make_error_code(errc::invalid_key_length));
}

}  // namespace
}  // namespace sshlib::crypto
