#include "transport/packet_codec.hpp"

#include "crypto/random.hpp"

#include <gtest/gtest.h>

namespace sshlib::transport {
namespace {

std::optional<bytes> open_one(packet_opener& o, const bytes& wire,
                              std::optional<sshlib::error>* err = nullptr) {
  o.push(wire);
  auto r = o.next();
  if (!r) {
    if (err) *err = r.error();
    return std::nullopt;
  }
  if (!*r) return std::nullopt;
  return bytes((*r)->begin(), (*r)->end());
}

struct keyed {
  packet_sealer sealer;
  packet_opener opener;
};

keyed with_keys(const char* cipher, const char* mac) {
  const auto* c = crypto::find_cipher_spec(cipher);
  const auto* m = crypto::find_mac_spec(mac);
  const bytes key = crypto::random_bytes(c->key_length), iv = crypto::random_bytes(c->iv_length);
  const bytes mk = crypto::random_bytes(m ? m->key_length : 0);
  keyed k;
  k.sealer.install(
      crypto::packet_protection::create(cipher, mac, crypto::cipher_direction::encrypt, key, iv, mk)
          .value(),
      false);
  k.opener.install(
      crypto::packet_protection::create(cipher, mac, crypto::cipher_direction::decrypt, key, iv, mk)
          .value(),
      false);
  return k;
}

TEST(PacketCodec, PlainRoundTripWithPaddingRules) {
  packet_sealer s;
  packet_opener o;
  for (std::size_t n : {1u, 2u, 7u, 8u, 100u, 35000u}) {
    bytes wire;
    const bytes payload(n, 0x42);
    ASSERT_TRUE(s.seal(payload, wire));
    EXPECT_EQ(wire.size() % 8, 0u);
    EXPECT_GE(wire[4], 4);  // padding length
    EXPECT_EQ(open_one(o, wire), payload);
  }
  EXPECT_EQ(s.sequence(), 6u);
}

// A quiet connection gives its receive buffer back, but never with part of a packet in it.
TEST(PacketCodec, OpenerReleasesItsBufferOnlyWhenNothingIsPending) {
  packet_sealer s;
  packet_opener o;
  bytes wire;
  ASSERT_TRUE(s.seal(bytes(300, 0x42), wire));
  auto space = o.prepare(64 * 1024);
  std::copy(wire.begin(), wire.begin() + 100, space.begin());
  o.commit(100);
  ASSERT_TRUE(o.next().has_value());  // incomplete: nothing yet
  o.release_buffer_if_empty();
  EXPECT_GE(o.buffer_capacity(), 64u * 1024u);  // the partial packet stays
  space = o.prepare(64 * 1024);
  std::copy(wire.begin() + 100, wire.end(), space.begin());
  o.commit(wire.size() - 100);
  auto r = o.next();
  ASSERT_TRUE(r && *r);
  EXPECT_EQ(bytes((*r)->begin(), (*r)->end()), bytes(300, 0x42));
  EXPECT_FALSE(*o.next());
  o.release_buffer_if_empty();
  EXPECT_EQ(o.buffer_capacity(), 0u);
  EXPECT_EQ(open_one(o, wire), bytes(300, 0x42));  // and it works on afterwards
}

TEST(PacketCodec, EncryptedRoundTripsAcrossSplitReads) {
  for (auto [cipher, mac] :
       {std::pair{"chacha20-poly1305@openssh.com", ""}, std::pair{"aes128-gcm@openssh.com", ""},
        std::pair{"aes256-ctr", "hmac-sha2-512-etm@openssh.com"},
        std::pair{"aes128-cbc", "hmac-sha1"}}) {
    auto k = with_keys(cipher, mac);
    bytes wire;
    const bytes payload(5000, 0x17);
    ASSERT_TRUE(k.sealer.seal(payload, wire));
    ASSERT_TRUE(k.sealer.seal(payload, wire));
    // Deliver one byte at a time: the opener waits until a packet is whole.
    int got = 0;
    for (std::uint8_t b : wire) {
      k.opener.push(byte_view(&b, 1));
      auto r = k.opener.next();
      ASSERT_TRUE(r) << cipher << ": " << r.error().message();
      if (*r) {
        EXPECT_TRUE(std::equal((*r)->begin(), (*r)->end(), payload.begin(), payload.end()));
        ++got;
      }
    }
    EXPECT_EQ(got, 2) << cipher;
  }
}

TEST(PacketCodec, RejectsHugeLengthBadPaddingAndTamperedMac) {
  {
    packet_opener o;
    std::optional<sshlib::error> err;
    EXPECT_FALSE(open_one(o, bytes{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, &err));
    ASSERT_TRUE(err);
    // And the opener refuses everything afterwards.
    EXPECT_FALSE(o.next());
  }
  {
    packet_sealer s;
    packet_opener o;
    bytes wire;
    ASSERT_TRUE(s.seal(bytes(10, 1), wire));
    wire[4] = 3;  // padding below the RFC's minimum of 4
    std::optional<sshlib::error> err;
    EXPECT_FALSE(open_one(o, wire, &err));
    ASSERT_TRUE(err);
    EXPECT_NE(err->detail.find("padding"), std::string::npos);
  }
  {
    auto k = with_keys("aes128-ctr", "hmac-sha2-256");
    bytes wire;
    ASSERT_TRUE(k.sealer.seal(bytes(100, 1), wire));
    wire.back() ^= 1;
    std::optional<sshlib::error> err;
    EXPECT_FALSE(open_one(k.opener, wire, &err));
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, make_error_code(errc::authentication_failed));
  }
}

TEST(PacketCodec, DecompressionIsBounded) {
  packet_sealer s;
  packet_opener o;
  s.enable_compression(compressor::create().value());
  o.enable_compression(decompressor::create().value());
  bytes wire;
  ASSERT_TRUE(s.seal(bytes(200000, 0), wire));
  EXPECT_EQ(open_one(o, wire), bytes(200000, 0));
  bytes bomb;
  ASSERT_TRUE(s.seal(bytes(300000, 0), bomb));  // compresses to a few hundred bytes
  std::optional<sshlib::error> err;
  EXPECT_FALSE(open_one(o, bomb, &err));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, make_error_code(errc::decompression_failed));
}

}  // namespace
}  // namespace sshlib::transport
