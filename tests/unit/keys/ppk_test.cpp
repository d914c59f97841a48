// PuTTY PPK parsing: a fixed unencrypted v3 Ed25519 file from puttygen 0.78 and a fixed
// encrypted v3 one (Argon2id, 8 MiB), every way of breaking their headers; then files
// written here with correct MACs around chosen fields, so that the checks after the MAC
// (type, field layout, private/public agreement) are reached too.
#include "keys/ppk.hpp"

#include "crypto/cipher.hpp"
#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "keys/base64.hpp"
#include "keys/key_impl.hpp"
#include "keys/private_fields.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace sshlib {
namespace {

const std::string good =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: none\n"
    "Comment: ed25519-key-20261125\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAINBwGNFquVryuR0Udj7dYd1SL5FBJJ3rg6fN0yeg\n"
    "CR51\n"
    "Private-Lines: 1\n"
    "AAAAIOQhr6br8oaYdjYyYSHfBenVSTXbGzzfUsM7t1AL1SRS\n"
    "Private-MAC: 0b46e290f0631a8c238011c1019ab40eccdcdd8ef12a548e213a5383df634cd1\n";

// puttygen 0.78, passphrase "pass", Argon2id with 8 MiB, 13 passes, 1 lane. The Argon2-Memory
// line is replaced by the tests; 8192 is the real value.
const std::string encrypted_v3 =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: aes256-cbc\n"
    "Comment: ed25519-key-20261125\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIF/pJ2MMLgPhBoBO8zGtAaLr4DkKgR0yt/pIUcWG\n"
    "I+Ly\n"
    "Key-Derivation: Argon2id\n"
    "Argon2-Memory: 8192\n"
    "Argon2-Passes: 13\n"
    "Argon2-Parallelism: 1\n"
    "Argon2-Salt: ae2d0fa8c9242cf36d2132378629eb0a\n"
    "Private-Lines: 1\n"
    "avfuYu85Jbg9DZdQJC/deKrgkzUNuM7MXcL/2FnYXYcjw3rsK23FnxAspNG1anG9\n"
    "Private-MAC: 00e996e2172ecd1682ff3b2f969a8e9e614ca88d4c12d8627945eaa2fd9c2cee\n";

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return s;
  return s.replace(at, from.size(), to);
}

errc code_of(const result<keys::key_impl>& r) {
  return r ? errc{} : static_cast<errc>(r.code().value());
}

errc parse(const std::string& text, const char* pass = "", const keys::ppk_limits& caps = {}) {
  return code_of(keys::parse_ppk(text, secret_string(pass), caps));
}

// --- A small PPK writer for the tests ---

struct ppk_parts {
  std::string algorithm;
  std::string comment = "test";
  bytes public_blob;
  secure_bytes private_blob;  // PuTTY's private fields
};

// PuTTY's layout of a key: public blob as is; private fields per type (ed25519: string
// seed; rsa: mpint d, p, q, iqmp; ecdsa: mpint scalar).
ppk_parts putty_parts(const key& k) {
  secure_bytes openssh;
  wire::secure_writer ow(openssh);
  keys::write_private_fields(ow, k.impl());
  wire::reader r(openssh);
  std::string_view type;
  EXPECT_TRUE(r.read_string(type));
  ppk_parts p;
  p.algorithm = std::string(type);
  p.public_blob = k.public_blob();
  wire::secure_writer w(p.private_blob);
  if (type == "ssh-ed25519") {
    byte_view pk, sk;
    EXPECT_TRUE(r.read_string(pk) && r.read_string(sk));
    w.write_string(sk.first(32));
  } else if (type == "ssh-rsa") {
    byte_view n, e, d, iqmp, pp, q;
    EXPECT_TRUE(r.read_unsigned_mpint(n) && r.read_unsigned_mpint(e) && r.read_unsigned_mpint(d) &&
                r.read_unsigned_mpint(iqmp) && r.read_unsigned_mpint(pp) &&
                r.read_unsigned_mpint(q));
    for (byte_view v : {d, pp, q, iqmp}) w.write_unsigned_mpint(v);
  } else {
    byte_view curve, point, scalar;
    EXPECT_TRUE(r.read_string(curve) && r.read_string(point) && r.read_unsigned_mpint(scalar));
    w.write_unsigned_mpint(scalar);
  }
  return p;
}

std::string base64_lines(byte_view data) {
  const std::string b64 = keys::base64_encode(data);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out;
}

std::size_t line_count(byte_view data) {
  return (keys::base64_encode(data).size() + 63) / 64;
}

std::string hex(byte_view data) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : data) out += {digits[b >> 4], digits[b & 15]};
  return out;
}

bytes sha1(std::initializer_list<byte_view> parts) {
  crypto::hasher h(crypto::digest_algorithm::sha1);
  for (byte_view p : parts) h.update(p);
  return h.finish();
}

// Version 2 or 3 without encryption, or version 2 with aes256-cbc under `passphrase`
// (version 3 encryption needs Argon2, which the fixed file above covers).
std::string write_ppk(int version, const ppk_parts& p, std::string_view passphrase = {}) {
  const bool encrypted = !passphrase.empty();
  EXPECT_TRUE(version == 2 || !encrypted);
  const std::string encryption = encrypted ? "aes256-cbc" : "none";
  secure_bytes plain = p.private_blob;
  bytes stored(plain.begin(), plain.end());
  bytes mac_key;
  if (version == 2) {
    mac_key =
        sha1({as_bytes(std::string_view("putty-private-key-file-mac-key")), as_bytes(passphrase)});
  }
  if (encrypted) {
    const std::uint8_t c0[4] = {0, 0, 0, 0}, c1[4] = {0, 0, 0, 1};
    bytes key = sha1({byte_view(c0, 4), as_bytes(passphrase)});
    const bytes k2 = sha1({byte_view(c1, 4), as_bytes(passphrase)});
    key.insert(key.end(), k2.begin(), k2.end());
    key.resize(32);
    while (plain.size() % 16 != 0) plain.push_back(0x5a);
    stored.assign(plain.begin(), plain.end());
    const bytes iv(16, 0);
    auto c =
        crypto::cipher_context::create("AES-256-CBC", key, iv, crypto::cipher_direction::encrypt);
    EXPECT_TRUE(c && c->update(stored));
  }
  bytes macced;
  wire::writer w(macced);
  w.write_string(p.algorithm);
  w.write_string(encryption);
  w.write_string(p.comment);
  w.write_string(p.public_blob);
  w.write_string(byte_view(plain.data(), plain.size()));
  const auto mac =
      crypto::hmac(version == 2 ? crypto::hmac_algorithm::sha1 : crypto::hmac_algorithm::sha256,
                   mac_key, macced);
  return "PuTTY-User-Key-File-" + std::to_string(version) + ": " + p.algorithm + "\n" +
         "Encryption: " + encryption + "\n" + "Comment: " + p.comment + "\n" +
         "Public-Lines: " + std::to_string(line_count(p.public_blob)) + "\n" +
         base64_lines(p.public_blob) + "Private-Lines: " + std::to_string(line_count(stored)) +
         "\n" + base64_lines(stored) + "Private-MAC: " + hex(mac.value()) + "\n";
}

key make(key_type t) {
  return generate_key(t, t == key_type::rsa ? 1024 : 0).value().with_comment("test");
}

// --- puttygen's files ---

TEST(Ppk, ParsesPuttygensFile) {
  auto k = parse_key(as_bytes(good));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->fingerprint_sha256(), "SHA256:9HaL7n9+5hPICS3jQqlaHGqr02+PE/0Hw2sOJG1TD4I");
  EXPECT_EQ(k->comment(), "ed25519-key-20261125");
  EXPECT_TRUE(k->is_private());
  // CR LF line ends read the same, and so does a missing final newline.
  std::string crlf;
  for (char c : good) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
  EXPECT_TRUE(parse_key(as_bytes(crlf)));
  EXPECT_TRUE(parse_key(as_bytes(good.substr(0, good.size() - 1))));
}

TEST(Ppk, HeaderCorruptionsAreRefusedWithTheirCode) {
  EXPECT_EQ(parse(replace(good, "File-3", "File-4")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "File-3: ", "File-3 ")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "ssh-ed25519\n", std::string(100, 'x') + "\n")),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Encryption: none", "Encryption: aes128-ctr")),
            errc::unsupported_cipher);
  EXPECT_EQ(parse(replace(good, "Comment: ed25519-key-20261125", "Comment: tampered")),
            errc::invalid_key_format);
  EXPECT_EQ(
      parse(replace(good, "Comment: ed25519-key-20261125", "Comment: " + std::string(5000, 'c'))),
      errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: 1b")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: zz")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: 0")),
            errc::invalid_key_format);  // odd
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: " + std::string(4000, '0'))),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: 3")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: 99999999")),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: 99999999999")),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: two")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: -2")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "CR51", "CR5*")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "CR51", "CR51" + std::string(5000, 'A'))),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Encryption: none\n", "")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-MAC", "Private-Mac")), errc::invalid_key_format);
  // Headers in another order, or v3 Argon2 headers in an unencrypted file.
  EXPECT_EQ(parse(replace(replace(good, "Encryption: none\n", ""), "Private-Lines",
                          "Encryption: none\nPrivate-Lines")),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-Lines", "Key-Derivation: Argon2id\nPrivate-Lines")),
            errc::invalid_key_format);
  // The first line's type is covered by the MAC.
  EXPECT_EQ(parse(replace(good, "ssh-ed25519\n", "ssh-rsa\n")), errc::invalid_key_format);
}

TEST(Ppk, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n + 1 < good.size(); ++n) {
    EXPECT_NE(parse(good.substr(0, n)), errc{}) << n;
  }
  for (std::size_t n = 0; n + 1 < encrypted_v3.size(); n += 3) {
    EXPECT_NE(parse(encrypted_v3.substr(0, n), "pass"), errc{}) << n;
  }
}

TEST(Ppk, EncryptedV3NeedsTheRightPassphrase) {
  EXPECT_EQ(parse(encrypted_v3, "pass"), errc{});
  EXPECT_EQ(parse(encrypted_v3, "nope"), errc::wrong_passphrase);
  EXPECT_EQ(parse(encrypted_v3), errc::passphrase_required);
  // A tampered comment on an encrypted file cannot be told from a wrong passphrase.
  EXPECT_EQ(parse(replace(encrypted_v3, "Comment: ed25519-key-20261125", "Comment: x"), "pass"),
            errc::wrong_passphrase);
  EXPECT_EQ(parse(replace(encrypted_v3, "Argon2id", "Argon2d"), "pass"), errc::wrong_passphrase);
}

TEST(Ppk, AbsurdArgon2ParametersAreRefusedBeforeAnyWork) {
  const auto start = std::chrono::steady_clock::now();
  const std::string memory = "Argon2-Memory: 8192";
  EXPECT_EQ(parse(replace(encrypted_v3, memory, "Argon2-Memory: 4194304"), "pass"),
            errc::length_exceeds_limit);  // 4 GiB
  EXPECT_EQ(parse(replace(encrypted_v3, memory, "Argon2-Memory: 4294967295"), "pass"),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(encrypted_v3, "Passes: 13", "Passes: 100000"), "pass"),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(encrypted_v3, "Parallelism: 1", "Parallelism: 255"), "pass"),
            errc::length_exceeds_limit);
  // Below Argon2's own minimums: refused as malformed, not handed to Argon2.
  EXPECT_EQ(parse(replace(encrypted_v3, "Passes: 13", "Passes: 0"), "pass"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(encrypted_v3, "Parallelism: 1", "Parallelism: 0"), "pass"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(encrypted_v3, memory, "Argon2-Memory: 7"), "pass"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(replace(encrypted_v3, memory, "Argon2-Memory: 16"), "Parallelism: 1",
                          "Parallelism: 4"),
                  "pass"),
            errc::invalid_key_format);  // 8 KiB per lane
  EXPECT_EQ(parse(replace(encrypted_v3, "Salt: ae2d0fa8c9242cf36d2132378629eb0a", "Salt: ae2d0fa8"),
                  "pass"),
            errc::invalid_key_format);  // 4-byte salt
  EXPECT_EQ(parse(replace(encrypted_v3, "Salt: ae", "Salt: xe"), "pass"), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(encrypted_v3, "Memory: 8192", "Memory: 8k"), "pass"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(encrypted_v3, "Argon2id", "scrypt"), "pass"), errc::unsupported_kdf);
  EXPECT_EQ(parse(replace(encrypted_v3, "Key-Derivation", "Key-Derivatio"), "pass"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(encrypted_v3, "Argon2-Passes: 13\n", ""), "pass"),
            errc::invalid_key_format);
  // Caps are the caller's: the fuzzer's tiny ones refuse puttygen's default 8 MiB.
  keys::ppk_limits tiny;
  tiny.max_argon2_memory_kib = 64;
  EXPECT_EQ(parse(encrypted_v3, "pass", tiny), errc::length_exceeds_limit);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(Ppk, EncryptedSectionMustBeWholeBlocks) {
  EXPECT_EQ(
      parse(
          replace(
              encrypted_v3,
              "Private-Lines: 1\navfuYu85Jbg9DZdQJC/deKrgkzUNuM7MXcL/2FnYXYcjw3rsK23FnxAspNG1anG9",
              "Private-Lines: 1\navfuYu85Jbg9DZdQJC/deKrgkzUNuM7MXcL/2FnYXYcjw3rsK23FnxAspNG1"),
          "pass"),
      errc::invalid_key_format);  // 45 bytes
  EXPECT_EQ(
      parse(
          replace(
              encrypted_v3,
              "Private-Lines: 1\navfuYu85Jbg9DZdQJC/deKrgkzUNuM7MXcL/2FnYXYcjw3rsK23FnxAspNG1anG9",
              "Private-Lines: 0"),
          "pass"),
      errc::invalid_key_format);  // empty
}

// --- Files written here ---

TEST(Ppk, EveryTypeInEveryWrittenFormParses) {
  for (const key_type t : {key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p384,
                           key_type::ecdsa_p521, key_type::rsa}) {
    const key k = make(t);
    const ppk_parts parts = putty_parts(k);
    for (const auto& [text, pass] :
         {std::pair{write_ppk(2, parts), ""}, std::pair{write_ppk(3, parts), ""},
          std::pair{write_ppk(2, parts, "secret"), "secret"}}) {
      const auto parsed = parse_key(as_bytes(text), secret_string(pass));
      ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << text;
      EXPECT_TRUE(parsed->equals(k));
      EXPECT_TRUE(parsed->is_private());
      EXPECT_EQ(parsed->comment(), "test");
      const bytes data{1, 2, 3};
      EXPECT_TRUE(k.verify(data, parsed->sign(data).value())) << k.type();
    }
  }
}

TEST(Ppk, V2PassphraseIsChecked) {
  const std::string text = write_ppk(2, putty_parts(make(key_type::ed25519)), "secret");
  EXPECT_EQ(parse(text, "secret"), errc{});
  EXPECT_EQ(parse(text, "Secret"), errc::wrong_passphrase);
  EXPECT_EQ(parse(text), errc::passphrase_required);
}

TEST(Ppk, PaddingAfterThePrivateFieldsIsIgnored) {
  ppk_parts parts = putty_parts(make(key_type::ecdsa_p256));
  parts.private_blob.insert(parts.private_blob.end(), {1, 2, 3, 4, 5});
  EXPECT_EQ(parse(write_ppk(3, parts)), errc{});
  EXPECT_EQ(parse(write_ppk(2, parts, "pw"), "pw"), errc{});
}

TEST(Ppk, FieldsBehindAValidMacAreStillChecked) {
  const ppk_parts ed = putty_parts(make(key_type::ed25519));
  const ppk_parts other_ed = putty_parts(make(key_type::ed25519));
  const ppk_parts rsa = putty_parts(make(key_type::rsa));
  const ppk_parts other_rsa = putty_parts(make(key_type::rsa));

  ppk_parts p = ed;
  p.private_blob = other_ed.private_blob;  // another key's seed
  EXPECT_EQ(parse(write_ppk(3, p)), errc::key_mismatch);
  p = rsa;
  p.private_blob = other_rsa.private_blob;
  EXPECT_EQ(parse(write_ppk(3, p)), errc::key_mismatch);

  p = ed;
  p.algorithm = "ssh-rsa";  // first line and public blob disagree
  EXPECT_EQ(parse(write_ppk(3, p)), errc::invalid_key_format);

  p = ed;
  p.private_blob.resize(10);  // truncated seed
  EXPECT_NE(parse(write_ppk(3, p)), errc{});
  p = ed;
  p.private_blob = {0, 0, 0, 31};
  p.private_blob.resize(4 + 31, 7);  // a 31-byte seed
  EXPECT_EQ(parse(write_ppk(3, p)), errc::invalid_key_format);
  p = rsa;
  p.private_blob.resize(p.private_blob.size() / 2);  // d, p only
  EXPECT_NE(parse(write_ppk(3, p)), errc{});
  p = rsa;
  p.public_blob.resize(p.public_blob.size() - 8);
  EXPECT_NE(parse(write_ppk(3, p)), errc{});

  p = ed;
  p.algorithm = "ssh-ed448";
  p.public_blob.clear();
  wire::writer(p.public_blob).write_string(std::string_view("ssh-ed448"));
  EXPECT_EQ(parse(write_ppk(3, p)), errc::unsupported_key_type);
  p.algorithm = "ecdsa-sha2-nistp999";
  p.public_blob.clear();
  wire::writer w(p.public_blob);
  w.write_string(std::string_view("ecdsa-sha2-nistp999"));
  w.write_string(std::string_view("nistp999"));
  w.write_string(std::string_view("\x04"));
  p.private_blob = {0, 0, 0, 1, 5};  // mpint 5
  EXPECT_EQ(parse(write_ppk(3, p)), errc::unsupported_key_type);
}

}  // namespace
}  // namespace sshlib
