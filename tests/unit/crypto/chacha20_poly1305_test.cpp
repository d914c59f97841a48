// chacha20-poly1305@openssh.com: RFC 8439 known answers for the two primitives, and the whole
// packet construction cross-checked against a straightforward reference written here from
// the ChaCha20 paper's state layout (64-bit counter in words 12-13, nonce in 14-15).
#include "crypto/chacha20_poly1305.hpp"

#include "crypto/openssl_ptr.hpp"

#include "support/hex.hpp"

#include <openssl/core_names.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

// ---- reference ChaCha20 (DJB's original layout), deliberately simple ----
std::uint32_t rotl(std::uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }
void quarter(std::array<std::uint32_t, 16>& x, int a, int b, int c, int d) {
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}
std::uint32_t load_le(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
// One 64-byte block for key, words 12-13 = counter, words 14-15 = the 8 nonce bytes.
std::array<std::uint8_t, 64> ref_block(byte_view key, std::uint64_t counter, const std::uint8_t* nonce8) {
  std::array<std::uint32_t, 16> s{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 8; ++i) s[4 + i] = load_le(key.data() + 4 * i);
  s[12] = static_cast<std::uint32_t>(counter);
  s[13] = static_cast<std::uint32_t>(counter >> 32);
  s[14] = load_le(nonce8);
  s[15] = load_le(nonce8 + 4);
  auto x = s;
  for (int i = 0; i < 10; ++i) {
    quarter(x, 0, 4, 8, 12); quarter(x, 1, 5, 9, 13); quarter(x, 2, 6, 10, 14); quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15); quarter(x, 1, 6, 11, 12); quarter(x, 2, 7, 8, 13); quarter(x, 3, 4, 9, 14);
  }
  std::array<std::uint8_t, 64> out{};
  for (int i = 0; i < 16; ++i) {
    const std::uint32_t v = x[i] + s[i];
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
  return out;
}
void ref_xor(byte_view key, std::uint64_t counter, const std::uint8_t* nonce8, mutable_byte_view data) {
  for (std::size_t off = 0; off < data.size(); off += 64, ++counter) {
    const auto ks = ref_block(key, counter, nonce8);
    for (std::size_t i = 0; i < 64 && off + i < data.size(); ++i) data[off + i] ^= ks[i];
  }
}
bytes poly1305(byte_view key, byte_view msg) {
  evp_mac_ptr mac(EVP_MAC_fetch(nullptr, "POLY1305", nullptr));
  evp_mac_ctx_ptr ctx(EVP_MAC_CTX_new(mac.get()));
  bytes tag(16);
  std::size_t len = 0;
  EXPECT_EQ(EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr), 1);
  EXPECT_EQ(EVP_MAC_update(ctx.get(), msg.data(), msg.size()), 1);
  EXPECT_EQ(EVP_MAC_final(ctx.get(), tag.data(), &len, tag.size()), 1);
  return tag;
}

const char* const rfc8439_block_2_3_2 =
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e";

TEST(ChaCha20, ReferenceBlockMatchesRfc8439Section2_3_2) {
  // RFC 8439's nonce 00000009 0000004a 00000000 and counter 1 in the original layout: word 13
  // (the counter's high half) holds the nonce's first word.
  const bytes key = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const bytes nonce8 = from_hex("0000004a00000000");
  const auto block = ref_block(key, 0x0900000000000001ULL, nonce8.data());
  EXPECT_EQ(to_hex(block), rfc8439_block_2_3_2);
}

TEST(ChaCha20, OpenSslIvMappingMatchesRfc8439Section2_3_2) {
  const bytes key = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  std::uint8_t iv[16];
  chacha20_openssh_iv(0x0900000000000001ULL, 0x0000004a00000000ULL, iv);
  // OpenSSL's form of the RFC's (counter = 1, nonce = 000000090000004a00000000).
  EXPECT_EQ(to_hex(iv), "01000000000000090000004a00000000");
  evp_cipher_ptr c(EVP_CIPHER_fetch(nullptr, "ChaCha20", nullptr));
  evp_cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  ASSERT_EQ(EVP_EncryptInit_ex2(ctx.get(), c.get(), key.data(), iv, nullptr), 1);
  std::uint8_t block[64] = {};
  int outl = 0;
  ASSERT_EQ(EVP_EncryptUpdate(ctx.get(), block, &outl, block, 64), 1);
  EXPECT_EQ(to_hex(block), rfc8439_block_2_3_2);
}

TEST(Poly1305, MatchesRfc8439Section2_5_2) {
  const bytes key = from_hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
  EXPECT_EQ(to_hex(poly1305(key, as_bytes("Cryptographic Forum Research Group"))),
            "a8061dc1305136c6c22b8baf0c0127a9");
}

// The construction of PROTOCOL.chacha20poly1305, computed the long way.
bytes reference_seal(byte_view key, std::uint32_t seq, byte_view plain) {
  const auto k2 = key.first(32), k1 = key.subspan(32);
  std::uint8_t nonce[8] = {};
  for (int i = 0; i < 4; ++i) nonce[4 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
  bytes out(plain.begin(), plain.end());
  ref_xor(k1, 0, nonce, mutable_byte_view(out).first(4));
  ref_xor(k2, 1, nonce, mutable_byte_view(out).subspan(4));
  const auto block0 = ref_block(k2, 0, nonce);
  const bytes tag = poly1305(byte_view(block0).first(32), out);
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

bytes test_key() {
  bytes k(64);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return k;
}

TEST(ChaCha20Poly1305, SealMatchesReferenceConstructionAcrossSizesAndSequenceNumbers) {
  const bytes key = test_key();
  auto aead = chacha20_poly1305::create(key);
  ASSERT_TRUE(aead) << aead.error().message();
  for (std::uint32_t seq : {0u, 1u, 7u, 0x01020304u, 0xffffffffu}) {
    for (std::size_t size : {4u, 5u, 64u, 68u, 200u, 1000u}) {
      bytes plain(size);
      for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i ^ seq);
      bytes packet = plain;
      std::uint8_t tag[16];
      ASSERT_TRUE(aead->seal(seq, packet, tag));
      bytes sealed = packet;
      sealed.insert(sealed.end(), tag, tag + 16);
      EXPECT_EQ(to_hex(sealed), to_hex(reference_seal(key, seq, plain))) << seq << "/" << size;
    }
  }
}

TEST(ChaCha20Poly1305, OpenRecoversLengthThenPacket) {
  auto sealer = chacha20_poly1305::create(test_key());
  auto opener = chacha20_poly1305::create(test_key());
  ASSERT_TRUE(sealer && opener);
  bytes packet = from_hex("0000001c 0a") ;
  packet.resize(4 + 0x1c, 0x55);
  const bytes plain = packet;
  std::uint8_t tag[16];
  ASSERT_TRUE(sealer->seal(42, packet, tag));
  auto len = opener->decrypt_length(42, byte_view(packet).first(4));
  ASSERT_TRUE(len);
  EXPECT_EQ(*len, 0x1cu);
  ASSERT_TRUE(opener->open(42, packet, tag));
  EXPECT_EQ(packet, plain);
}

TEST(ChaCha20Poly1305, RejectsEveryFlippedBitAndWrongSequenceNumber) {
  auto sealer = chacha20_poly1305::create(test_key());
  auto opener = chacha20_poly1305::create(test_key());
  ASSERT_TRUE(sealer && opener);
  bytes packet(40, 0x11);
  std::uint8_t tag_raw[16];
  ASSERT_TRUE(sealer->seal(9, packet, tag_raw));
  bytes sealed = packet;
  sealed.insert(sealed.end(), tag_raw, tag_raw + 16);
  for (std::size_t bit = 0; bit < sealed.size() * 8; ++bit) {
    bytes copy = sealed;
    copy[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    const bytes before = copy;
    auto r = opener->open(9, mutable_byte_view(copy).first(40), byte_view(copy).subspan(40));
    ASSERT_EQ(r.code(), make_error_code(errc::authentication_failed)) << "bit " << bit;
    EXPECT_EQ(copy, before) << "nothing may be decrypted when the tag is wrong";
  }
  bytes copy = sealed;
  EXPECT_EQ(opener->open(10, mutable_byte_view(copy).first(40), byte_view(copy).subspan(40)).code(),
            make_error_code(errc::authentication_failed));
  EXPECT_TRUE(opener->open(9, mutable_byte_view(copy).first(40), byte_view(copy).subspan(40)));
}

TEST(ChaCha20Poly1305, RejectsWrongKeySize) {
  EXPECT_EQ(chacha20_poly1305::create(bytes(32)).code(), make_error_code(errc::invalid_key_length));
  EXPECT_EQ(chacha20_poly1305::create(bytes(65)).code(), make_error_code(errc::invalid_key_length));
}

}  // namespace
}  // namespace sshlib::crypto
