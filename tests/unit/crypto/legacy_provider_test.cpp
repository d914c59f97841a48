// The legacy provider's own library context, and known answers for the three legacy
// ciphers through cipher_context: RC4 from RFC 6229 (offsets 0 and 1536, the second also
// checking discard_keystream), Blowfish-CBC from Eric Young's chaining-mode vector (as
// published with Schneier's test vectors) and CAST5 from RFC 2144 appendix B.1 (one block
// of CBC under a zero IV is ECB).
#include "crypto/legacy_provider.hpp"

#include "crypto/cipher.hpp"
#include "support/hex.hpp"

#include <openssl/provider.h>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

OSSL_LIB_CTX* legacy_or_fail() {
  OSSL_LIB_CTX* library = legacy_library_context();
  EXPECT_NE(library, nullptr) << "OpenSSL's legacy provider (ossl-modules/legacy.so, from "
                                 "Debian's libssl3) did not load";
  return library;
}

TEST(LegacyProvider, LoadsOnceIntoItsOwnContextNotTheDefaultOne) {
  OSSL_LIB_CTX* library = legacy_or_fail();
  ASSERT_NE(library, nullptr);
  EXPECT_TRUE(OSSL_PROVIDER_available(library, "legacy"));
  // The process-wide context stays without it, unless the system's openssl.cnf activated
  // it there itself (not Debian's default).
  if (OSSL_PROVIDER_available(nullptr, "legacy") == 0) {
    EXPECT_EQ(cipher_context::create("RC4", bytes(16), {}, cipher_direction::encrypt).code(),
              make_error_code(errc::unsupported_algorithm));
    EXPECT_EQ(
        cipher_context::create("BF-CBC", bytes(16), bytes(8), cipher_direction::encrypt).code(),
        make_error_code(errc::unsupported_algorithm));
  }
  // Only the legacy provider is in our context: the default provider's ciphers are not.
  EXPECT_EQ(cipher_context::create("AES-128-CTR", bytes(16), bytes(16), cipher_direction::encrypt,
                                   library)
                .code(),
            make_error_code(errc::unsupported_algorithm));
}

TEST(LegacyProvider, EveryThreadGetsTheSameContext) {
  OSSL_LIB_CTX* const expected = legacy_library_context();
  std::vector<OSSL_LIB_CTX*> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = legacy_library_context(); });
  }
  for (auto& t : threads) t.join();
  for (auto* s : seen) EXPECT_EQ(s, expected);
}

struct rc4_vector {
  const char* key;
  const char* at_0;     // keystream bytes 0..15
  const char* at_1536;  // keystream bytes 1536..1551
};

// RFC 6229 section 2, for the 40-bit test key and the two key sizes SSH uses.
const rc4_vector rfc6229[] = {
    {"0102030405", "b2396305f03dc027ccc3524a0a1118a8", "d8729db41882259bee4f825325f5a130"},
    {"0102030405060708090a0b0c0d0e0f10", "9ac7cc9a609d1ef7b2932899cde41b97",
     "ffa0b514647ec04f6306b892ae661181"},
    {"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
     "eaa6bd25880bf93d3f5d1e4ca2611d91", "3e34135c79db010200767651cf263073"},
};

TEST(LegacyCiphers, Rc4MatchesRfc6229AtOffsetsZeroAnd1536) {
  OSSL_LIB_CTX* library = legacy_or_fail();
  ASSERT_NE(library, nullptr);
  for (const auto& v : rfc6229) {
    const bytes key = from_hex(v.key);
    auto c = cipher_context::create("RC4", key, {}, cipher_direction::encrypt, library);
    ASSERT_TRUE(c) << v.key << ": " << c.error().message();
    EXPECT_EQ(c->key_length(), key.size());
    EXPECT_EQ(c->block_size(), 1u);
    bytes stream(16);
    ASSERT_TRUE(c->update(stream));
    EXPECT_EQ(to_hex(stream), v.at_0) << v.key;

    // RFC 4345's discard: after dropping 1536 bytes the next ones are at offset 1536.
    auto d = cipher_context::create("RC4", key, {}, cipher_direction::decrypt, library);
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->discard_keystream(1536));
    bytes late(16);
    ASSERT_TRUE(d->update(late));
    EXPECT_EQ(to_hex(late), v.at_1536) << v.key;
  }
}

TEST(LegacyCiphers, BlowfishCbcMatchesEricYoungsChainingVector) {
  OSSL_LIB_CTX* library = legacy_or_fail();
  ASSERT_NE(library, nullptr);
  const bytes key = from_hex("0123456789abcdeff0e1d2c3b4a59687");
  const bytes iv = from_hex("fedcba9876543210");
  // "7654321 Now is the time for " with its NUL, zero-padded to 32 bytes.
  const char* plain = "37363534333231204e6f77206973207468652074696d6520666f722000000000";
  const char* cipher = "6b77b4d63006dee605b156e27403979358deb9e7154616d959f1652bd5ff92cc";
  auto enc = cipher_context::create("BF-CBC", key, iv, cipher_direction::encrypt, library);
  ASSERT_TRUE(enc) << enc.error().message();
  EXPECT_EQ(enc->block_size(), 8u);
  bytes buf = from_hex(plain);
  // Two calls: the chaining must carry across updates, as it does across SSH packets.
  ASSERT_TRUE(enc->update(mutable_byte_view(buf).first(8)));
  ASSERT_TRUE(enc->update(mutable_byte_view(buf).subspan(8)));
  EXPECT_EQ(to_hex(buf), cipher);
  auto dec = cipher_context::create("BF-CBC", key, iv, cipher_direction::decrypt, library);
  ASSERT_TRUE(dec);
  ASSERT_TRUE(dec->update(buf));
  EXPECT_EQ(to_hex(buf), plain);
}

TEST(LegacyCiphers, Cast5CbcMatchesRfc2144AppendixB1) {
  OSSL_LIB_CTX* library = legacy_or_fail();
  ASSERT_NE(library, nullptr);
  const bytes key = from_hex("0123456712345678234567893456789a");
  auto enc = cipher_context::create("CAST5-CBC", key, bytes(8), cipher_direction::encrypt, library);
  ASSERT_TRUE(enc) << enc.error().message();
  bytes buf = from_hex("0123456789abcdef");
  ASSERT_TRUE(enc->update(buf));
  EXPECT_EQ(to_hex(buf), "238b4fe5847e44b2");
  auto dec = cipher_context::create("CAST5-CBC", key, bytes(8), cipher_direction::decrypt, library);
  ASSERT_TRUE(dec);
  ASSERT_TRUE(dec->update(buf));
  EXPECT_EQ(to_hex(buf), "0123456789abcdef");
}

TEST(LegacyCiphers, VariableKeyLengthsAreBoundedAndDiscardNeedsAStreamCipher) {
  OSSL_LIB_CTX* library = legacy_or_fail();
  ASSERT_NE(library, nullptr);
  EXPECT_EQ(cipher_context::create("RC4", {}, {}, cipher_direction::encrypt, library).code(),
            make_error_code(errc::invalid_key_length));
  EXPECT_EQ(cipher_context::create("RC4", bytes(65), {}, cipher_direction::encrypt, library).code(),
            make_error_code(errc::invalid_key_length));
  EXPECT_EQ(
      cipher_context::create("BF-CBC", bytes(16), bytes(16), cipher_direction::encrypt, library)
          .code(),
      make_error_code(errc::invalid_key_length));
  auto bf =
      cipher_context::create("BF-CBC", bytes(16), bytes(8), cipher_direction::encrypt, library);
  ASSERT_TRUE(bf);
  EXPECT_EQ(bf->discard_keystream(1536).code(), make_error_code(errc::invalid_value));
}

}  // namespace
}  // namespace sshlib::crypto
