// cipher_context known answers: SP 800-38A (AES-CBC, AES-CTR) and the GCM specification's
// test cases 3 and 4 (McGrew & Viega, as used by NIST's GCM validation).
#include "crypto/cipher.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

const char* const sp800_38a_plain =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

struct block_vector {
  const char* name;
  const char* key;
  const char* iv;
  const char* cipher;
};

const block_vector sp800_38a[] = {
    {"AES-128-CBC", "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {"AES-256-CBC", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "000102030405060708090a0b0c0d0e0f",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
    {"AES-128-CTR", "2b7e151628aed2a6abf7158809cf4f3c", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
    {"AES-256-CTR", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
     "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
};

TEST(CipherContext, MatchesSp800_38aEncryptAndDecrypt) {
  for (const auto& v : sp800_38a) {
    auto enc = cipher_context::create(v.name, from_hex(v.key), from_hex(v.iv), cipher_direction::encrypt);
    ASSERT_TRUE(enc) << v.name << ": " << enc.error().message();
    bytes buf = from_hex(sp800_38a_plain);
    // Two calls: state (CBC chaining, CTR counter) must carry across updates.
    ASSERT_TRUE(enc->update(mutable_byte_view(buf).first(16)));
    ASSERT_TRUE(enc->update(mutable_byte_view(buf).subspan(16)));
    EXPECT_EQ(to_hex(buf), to_hex(from_hex(v.cipher))) << v.name;

    auto dec = cipher_context::create(v.name, from_hex(v.key), from_hex(v.iv), cipher_direction::decrypt);
    ASSERT_TRUE(dec);
    ASSERT_TRUE(dec->update(buf));
    EXPECT_EQ(to_hex(buf), to_hex(from_hex(sp800_38a_plain))) << v.name;
  }
}

TEST(CipherContext, RejectsWrongKeyAndIvLengthsAndUnknownNames) {
  const bytes k16(16), k15(15), iv16(16), iv8(8);
  EXPECT_EQ(cipher_context::create("AES-128-CTR", k15, iv16, cipher_direction::encrypt).code(),
            make_error_code(errc::invalid_key_length));
  EXPECT_EQ(cipher_context::create("AES-128-CBC", k16, iv8, cipher_direction::encrypt).code(),
            make_error_code(errc::invalid_key_length));
  EXPECT_EQ(cipher_context::create("NO-SUCH-CIPHER", k16, iv16, cipher_direction::encrypt).code(),
            make_error_code(errc::unsupported_algorithm));
}

TEST(CipherContext, CbcRejectsPartialBlocks) {
  auto enc = cipher_context::create("AES-128-CBC", bytes(16), bytes(16), cipher_direction::encrypt);
  ASSERT_TRUE(enc);
  bytes buf(17);
  EXPECT_EQ(enc->update(buf).code(), make_error_code(errc::invalid_value));
}

const char* const gcm_key = "feffe9928665731c6d6a8f9467308308";
const char* const gcm_iv = "cafebabefacedbaddecaf888";
const char* const gcm_plain =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const char* const gcm_cipher =
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
    "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";
const char* const gcm_aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const char* const gcm_tag = "5bc94fbc3221a5db94fae95ae7121a47";

TEST(CipherContext, AesGcmMatchesTestCase4WithAad) {
  auto enc = cipher_context::create("AES-128-GCM", from_hex(gcm_key), from_hex(gcm_iv),
                                    cipher_direction::encrypt);
  ASSERT_TRUE(enc) << enc.error().message();
  bytes buf = from_hex(gcm_plain);
  ASSERT_TRUE(enc->set_aad(from_hex(gcm_aad)));
  ASSERT_TRUE(enc->update(buf));
  ASSERT_TRUE(enc->finish());
  EXPECT_EQ(to_hex(buf), gcm_cipher);
  auto tag = enc->get_tag(16);
  ASSERT_TRUE(tag);
  EXPECT_EQ(to_hex(*tag), gcm_tag);

  auto dec = cipher_context::create("AES-128-GCM", from_hex(gcm_key), from_hex(gcm_iv),
                                    cipher_direction::decrypt);
  ASSERT_TRUE(dec);
  ASSERT_TRUE(dec->set_aad(from_hex(gcm_aad)));
  ASSERT_TRUE(dec->update(buf));
  ASSERT_TRUE(dec->set_tag(*tag));
  ASSERT_TRUE(dec->finish());
  EXPECT_EQ(to_hex(buf), gcm_plain);
}

TEST(CipherContext, AesGcmRejectsAWrongTag) {
  auto dec = cipher_context::create("AES-128-GCM", from_hex(gcm_key), from_hex(gcm_iv),
                                    cipher_direction::decrypt);
  ASSERT_TRUE(dec);
  bytes buf = from_hex(gcm_cipher);
  bytes tag = from_hex(gcm_tag);
  tag[15] ^= 1;
  ASSERT_TRUE(dec->set_aad(from_hex(gcm_aad)));
  ASSERT_TRUE(dec->update(buf));
  ASSERT_TRUE(dec->set_tag(tag));
  EXPECT_EQ(dec->finish().code(), make_error_code(errc::authentication_failed));
}

}  // namespace
}  // namespace sshlib::crypto
