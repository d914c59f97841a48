#include "transport/kexinit.hpp"

#include <gtest/gtest.h>

namespace sshlib::transport {
namespace {

kexinit_message sample() {
  kexinit_message m;
  m.cookie.fill(7);
  m.kex = {"curve25519-sha256", "ext-info-c", "kex-strict-c-v00@openssh.com"};
  m.host_key = {"ssh-ed25519", "rsa-sha2-512"};
  m.cipher_c2s = m.cipher_s2c = {"aes128-ctr", "chacha20-poly1305@openssh.com"};
  m.mac_c2s = m.mac_s2c = {"hmac-sha2-256"};
  m.compression_c2s = m.compression_s2c = {"none"};
  return m;
}

TEST(Kexinit, RoundTrips) {
  const auto m = sample();
  auto back = parse_kexinit(serialize_kexinit(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kex, m.kex);
  EXPECT_EQ(back->cipher_s2c, m.cipher_s2c);
  EXPECT_EQ(back->cookie, m.cookie);
}

TEST(Kexinit, TruncationAtEveryOffsetFails) {
  const bytes b = serialize_kexinit(sample());
  for (std::size_t n = 0; n < b.size(); ++n) {
    EXPECT_FALSE(parse_kexinit(byte_view(b.data(), n))) << n;
  }
  bytes longer = b;
  longer.push_back(0);
  EXPECT_FALSE(parse_kexinit(longer));
}

TEST(Kexinit, NegotiationTakesTheClientsFirstCommonName) {
  auto c = sample();
  auto s = sample();
  s.kex = {"ecdh-sha2-nistp256", "curve25519-sha256", "kex-strict-s-v00@openssh.com"};
  s.cipher_c2s = {"chacha20-poly1305@openssh.com", "aes128-ctr"};
  auto n = negotiate(c, s, true);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kex, "curve25519-sha256");
  EXPECT_EQ(n->c2s.cipher, "aes128-ctr");
  EXPECT_EQ(n->c2s.mac, "hmac-sha2-256");
  EXPECT_TRUE(n->strict_kex);
  EXPECT_FALSE(n->peer_wants_ext_info);  // the server did not send ext-info-s
}

TEST(Kexinit, AeadCipherNeedsNoCommonMac) {
  auto c = sample();
  auto s = sample();
  c.cipher_c2s = c.cipher_s2c = {"chacha20-poly1305@openssh.com"};
  s.mac_c2s = s.mac_s2c = {"hmac-md5"};
  auto n = negotiate(c, s, true);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(n->c2s.mac, "");
}

TEST(Kexinit, MarkersAreNeverNegotiated) {
  auto c = sample();
  auto s = sample();
  c.kex = {"ext-info-c", "kex-strict-c-v00@openssh.com"};
  s.kex = {"ext-info-c", "kex-strict-c-v00@openssh.com"};
  auto n = negotiate(c, s, true);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, make_error_code(errc::no_common_algorithm));
}

TEST(Kexinit, GuessIsRightOnlyWhenBothFirstChoicesWin) {
  auto c = sample();
  auto s = sample();
  auto n = negotiate(c, s, false).value();
  EXPECT_TRUE(guess_was_right(c, s, n));
  s.kex.insert(s.kex.begin(), "ecdh-sha2-nistp256");
  n = negotiate(c, s, false).value();
  EXPECT_FALSE(guess_was_right(c, s, n));
}

}  // namespace
}  // namespace sshlib::transport
