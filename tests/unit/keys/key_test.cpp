// The key model without external tools: generation, every format round trip, signatures,
// and the precise errors for bad input.
#include <sshlib/key.hpp>

#include "keys/base64.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sshlib {
namespace {

key must_generate(key_type t, std::size_t bits = 0) {
  auto k = generate_key(t, bits);
  if (!k) throw std::runtime_error(k.error().message());
  return *k;
}

key must_parse(std::string_view text, const secret_string& pass = {}) {
  auto k = parse_key(as_bytes(text), pass);
  if (!k) throw std::runtime_error(k.error().message());
  return *k;
}

const key_type all_types[] = {key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p384,
                              key_type::ecdsa_p521, key_type::rsa};

TEST(Key, GeneratedKeysReportTypeAndBits) {
  EXPECT_EQ(must_generate(key_type::ed25519).type(), "ssh-ed25519");
  EXPECT_EQ(must_generate(key_type::ed25519).bits(), 256u);
  EXPECT_EQ(must_generate(key_type::ecdsa_p384).type(), "ecdsa-sha2-nistp384");
  EXPECT_EQ(must_generate(key_type::ecdsa_p521).bits(), 521u);
  const key rsa = must_generate(key_type::rsa, 2048);
  EXPECT_EQ(rsa.type(), "ssh-rsa");
  EXPECT_EQ(rsa.bits(), 2048u);
  EXPECT_TRUE(rsa.is_private());
}

TEST(Key, GenerateRefusesDsaAndBadSizes) {
  EXPECT_EQ(generate_key(key_type::dsa).code(), errc::unsupported_key_type);
  EXPECT_EQ(generate_key(key_type::rsa, 512).code(), errc::invalid_value);
  EXPECT_EQ(generate_key(key_type::ecdsa_p256, 384).code(), errc::invalid_value);
}

TEST(Key, OpensshPrivateRoundTripsEveryType) {
  for (const key_type t : all_types) {
    const key k = must_generate(t, t == key_type::rsa ? 2048 : 0).with_comment("me@host");
    const auto text = k.private_openssh();
    ASSERT_TRUE(text) << text.error().message();
    const key back = must_parse(text->view());
    EXPECT_TRUE(back.is_private());
    EXPECT_TRUE(back.equals(k)) << k.type();
    EXPECT_EQ(back.comment(), "me@host");
    EXPECT_EQ(back.fingerprint_sha256(), k.fingerprint_sha256());
  }
}

TEST(Key, EncryptedOpensshPrivateNeedsTheRightPassphrase) {
  const key k = must_generate(key_type::ed25519);
  const auto text = k.private_openssh("correct horse", 2);
  ASSERT_TRUE(text);
  EXPECT_NE(text->view().find("OPENSSH PRIVATE KEY"), std::string_view::npos);
  EXPECT_EQ(parse_key(as_bytes(text->view())).code(), errc::passphrase_required);
  EXPECT_EQ(parse_key(as_bytes(text->view()), "wrong").code(), errc::wrong_passphrase);
  EXPECT_TRUE(must_parse(text->view(), "correct horse").equals(k));
}

TEST(Key, OpensshPrivateRefusesRoundsAboveTheCap) {
  const auto text = must_generate(key_type::ed25519).private_openssh("pw", 3);
  ASSERT_TRUE(text);
  key_parse_options opts;
  opts.max_kdf_rounds = 2;
  EXPECT_EQ(parse_key(as_bytes(text->view()), "pw", opts).code(), errc::length_exceeds_limit);
}

TEST(Key, TruncatedOpensshPrivateIsRejected) {
  const auto text = must_generate(key_type::ecdsa_p256).private_openssh();
  ASSERT_TRUE(text);
  const std::string full(text->view());
  // Without the END line.
  EXPECT_EQ(parse_key(as_bytes(full.substr(0, full.size() / 2))).code(), errc::invalid_key_format);
  // A shorter body (two whole 70-character lines) with intact armour: the binary
  // structure is cut short.
  const auto nl = full.find('\n');
  const std::string cut = full.substr(0, nl + 1) + full.substr(nl + 1, 141) + "\n-----END OPENSSH PRIVATE KEY-----\n";
  const auto r = parse_key(as_bytes(cut));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), errc::truncated) << r.error().message();
}

TEST(Key, BadBase64InOpensshPrivateIsRejected) {
  const std::string text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn*zaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n";
  const auto r = parse_key(as_bytes(text));
  EXPECT_EQ(r.code(), errc::invalid_key_format);
  EXPECT_NE(r.error().detail.find("base64"), std::string::npos);
}

TEST(Key, MismatchedPublicHalfIsRejected) {
  // Ed25519 private fields whose two embedded public keys disagree.
  const key a = must_generate(key_type::ed25519);
  bytes fields;
  wire::writer w(fields);
  const bytes pa = a.public_blob();
  wire::reader ra(pa);
  std::string_view name;
  byte_view pka;
  ASSERT_TRUE(ra.read_string(name) && ra.read_string(pka));
  // sk = (some seed) || a's public key: consistent copies of pk, but the seed is not a's.
  bytes sk(64, 7);
  std::copy(pka.begin(), pka.end(), sk.begin() + 32);
  w.write_string(pka);
  w.write_string(sk);
  const auto r = key::from_openssh_private_fields("ssh-ed25519", fields);
  EXPECT_EQ(r.code(), errc::key_mismatch) << (r ? "" : r.error().message());
}

TEST(Key, SignAndVerifyEveryTypeAndRsaAlgorithm) {
  const bytes data = {'h', 'e', 'l', 'l', 'o'};
  for (const key_type t : all_types) {
    const key k = must_generate(t, t == key_type::rsa ? 2048 : 0);
    const auto sig = k.sign(data);
    ASSERT_TRUE(sig) << sig.error().message();
    EXPECT_TRUE(k.verify(data, *sig)) << k.type();
    EXPECT_TRUE(k.public_only().verify(data, *sig));
    bytes other = data;
    other[0] ^= 1;
    EXPECT_EQ(k.verify(other, *sig).code(), errc::signature_mismatch) << k.type();
  }
  const key rsa = must_generate(key_type::rsa, 2048);
  for (const char* alg : {"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"}) {
    const auto sig = rsa.sign(data, alg);
    ASSERT_TRUE(sig);
    wire::reader r(*sig);
    std::string name;
    ASSERT_TRUE(r.read_string(name));
    EXPECT_EQ(name, alg);
    EXPECT_TRUE(rsa.verify(data, *sig));
  }
  EXPECT_EQ(rsa.sign(data, "ssh-ed25519").code(), errc::unsupported_algorithm);
}

TEST(Key, MalformedSignatureIsInvalidNotMismatch) {
  const key k = must_generate(key_type::ecdsa_p256);
  const bytes data = {1, 2, 3};
  EXPECT_EQ(k.verify(data, bytes{0, 0, 0}).code(), errc::invalid_signature);
  const auto ed_sig = must_generate(key_type::ed25519).sign(data);
  ASSERT_TRUE(ed_sig);
  EXPECT_EQ(k.verify(data, *ed_sig).code(), errc::invalid_signature);  // wrong algorithm
}

TEST(Key, PublicOnlyCannotSign) {
  const key k = must_generate(key_type::ed25519).public_only();
  EXPECT_FALSE(k.is_private());
  EXPECT_EQ(k.sign(bytes{1}).code(), errc::not_a_private_key);
  EXPECT_EQ(k.private_openssh().code(), errc::not_a_private_key);
}

TEST(Key, PublicLineRoundTrips) {
  const key k = must_generate(key_type::ecdsa_p521).with_comment("a comment with spaces");
  const key back = must_parse(k.public_ssh() + "\n");
  EXPECT_TRUE(back.equals(k));
  EXPECT_FALSE(back.is_private());
  EXPECT_EQ(back.comment(), "a comment with spaces");
}

TEST(Key, PublicLineTypeMustMatchBlob) {
  const key k = must_generate(key_type::ed25519);
  const std::string line = "ssh-rsa " + keys::base64_encode(k.public_blob());
  EXPECT_EQ(parse_key(as_bytes(line)).code(), errc::invalid_key_format);
  EXPECT_EQ(parse_key(as_bytes(std::string("ssh-ed25519 AAAA!!!"))).code(), errc::invalid_key_format);
  EXPECT_EQ(parse_key(as_bytes(std::string("ssh-foo AAAA"))).code(), errc::unsupported_key_type);
}

TEST(Key, PemFormatsRoundTrip) {
  for (const key_type t : all_types) {
    const key k = must_generate(t, t == key_type::rsa ? 2048 : 0);
    for (const pem_format f : {pem_format::pkcs8, pem_format::traditional}) {
      const auto pem = k.private_pem(f);
      ASSERT_TRUE(pem) << pem.error().message();
      const key back = must_parse(pem->view());
      EXPECT_TRUE(back.is_private());
      EXPECT_TRUE(back.equals(k)) << k.type();
    }
    const auto pub = k.public_pem();
    ASSERT_TRUE(pub);
    EXPECT_NE(pub->find("BEGIN PUBLIC KEY"), std::string::npos);
    const key back = must_parse(*pub);
    EXPECT_FALSE(back.is_private());
    EXPECT_TRUE(back.equals(k));
  }
}

TEST(Key, FromPublicBlobRejectsTrailingBytesAndUnknownTypes) {
  bytes blob = must_generate(key_type::ed25519).public_blob();
  EXPECT_TRUE(key::from_public_blob(blob));
  blob.push_back(0);
  EXPECT_EQ(key::from_public_blob(blob).code(), errc::trailing_data);
  bytes unknown;
  wire::writer(unknown).write_string(std::string_view("ssh-foo"));
  EXPECT_EQ(key::from_public_blob(unknown).code(), errc::unsupported_key_type);
  blob.resize(10);
  EXPECT_EQ(key::from_public_blob(blob).code(), errc::truncated);
}

TEST(Key, FingerprintsHaveOpensshShape) {
  const key k = must_generate(key_type::ed25519);
  const std::string sha = k.fingerprint_sha256();
  EXPECT_EQ(sha.rfind("SHA256:", 0), 0u);
  EXPECT_EQ(sha.size(), 7u + 43u);  // 32 bytes, unpadded base64
  const std::string md5 = k.fingerprint_md5();
  EXPECT_EQ(md5.rfind("MD5:", 0), 0u);
  EXPECT_EQ(md5.size(), 4u + 16 * 3 - 1);
}

TEST(Key, GarbageIsRejectedWithoutCrashing) {
  for (const std::string& s : {std::string(), std::string("\0\0\0", 3), std::string("-----BEGIN "),
                              std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                              std::string("openssh-key-v1\0", 15)}) {
    EXPECT_FALSE(parse_key(as_bytes(s)));
  }
}

}  // namespace
}  // namespace sshlib
