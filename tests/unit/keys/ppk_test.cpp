// PuTTY PPK parsing: a fixed unencrypted v3 Ed25519 file from puttygen 0.78 (text, readable),
// then every way of breaking it.
#include "keys/ppk.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

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

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

errc parse(const std::string& text, const char* pass = "") {
  auto r = parse_key(as_bytes(text), secret_string(pass));
  return r ? errc{} : static_cast<errc>(r.code().value());
}

TEST(Ppk, ParsesPuttygensFile) {
  auto k = parse_key(as_bytes(good));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->fingerprint_sha256(), "SHA256:9HaL7n9+5hPICS3jQqlaHGqr02+PE/0Hw2sOJG1TD4I");
  EXPECT_EQ(k->comment(), "ed25519-key-20261125");
  EXPECT_TRUE(k->is_private());
  // CR LF line ends read the same.
  std::string crlf;
  for (char c : good) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
  EXPECT_TRUE(parse_key(as_bytes(crlf)));
}

TEST(Ppk, EveryCorruptionIsRefused) {
  EXPECT_EQ(parse(replace(good, "File-3", "File-4")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Encryption: none", "Encryption: aes128-ctr")), errc::unsupported_cipher);
  EXPECT_EQ(parse(replace(good, "Comment: ed25519-key-20261125", "Comment: tampered")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: 1b")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Private-MAC: 0b", "Private-MAC: zz")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: 3")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: 99999999")), errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(good, "Public-Lines: 2", "Public-Lines: two")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "Encryption: none\n", "")), errc::invalid_key_format);
  EXPECT_EQ(parse(replace(good, "ssh-ed25519\n", "ssh-rsa\n")), errc::invalid_key_format);
  for (std::size_t n = 0; n + 1 < good.size(); n += 7) EXPECT_NE(parse(good.substr(0, n)), errc{}) << n;
}

TEST(Ppk, AbsurdArgon2ParametersAreRefusedBeforeAnyWork) {
  const std::string encrypted =
      "PuTTY-User-Key-File-3: ssh-ed25519\n"
      "Encryption: aes256-cbc\n"
      "Comment: x\n"
      "Public-Lines: 2\n"
      "AAAAC3NzaC1lZDI1NTE5AAAAIF/pJ2MMLgPhBoBO8zGtAaLr4DkKgR0yt/pIUcWG\n"
      "I+Ly\n"
      "Key-Derivation: Argon2id\n"
      "Argon2-Memory: 4194304\n"
      "Argon2-Passes: 13\n"
      "Argon2-Parallelism: 1\n"
      "Argon2-Salt: ae2d0fa8c9242cf36d2132378629eb0a\n"
      "Private-Lines: 1\n"
      "avfuYu85Jbg9DZdQJC/deKrgkzUNuM7MXcL/2FnYXYcjw3rsK23FnxAspNG1anG9\n"
      "Private-MAC: 00e996e2172ecd1682ff3b2f969a8e9e614ca88d4c12d8627945eaa2fd9c2cee\n";
  EXPECT_EQ(parse(encrypted, "pass"), errc::length_exceeds_limit);  // 4 GiB of memory
  EXPECT_EQ(parse(replace(replace(encrypted, "4194304", "8192"), "Passes: 13", "Passes: 100000"), "pass"),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(encrypted, "Argon2id", "scrypt"), "pass"), errc::unsupported_kdf);
  EXPECT_EQ(parse(replace(encrypted, "4194304", "8192")), errc::passphrase_required);
  // The real parameters: right passphrase works, a wrong one is a wrong passphrase.
  const std::string real = replace(encrypted, "4194304", "8192");
  EXPECT_EQ(parse(replace(real, "Comment: x", "Comment: ed25519-key-20261125"), "pass"), errc{});
  EXPECT_EQ(parse(replace(real, "Comment: x", "Comment: ed25519-key-20261125"), "nope"), errc::wrong_passphrase);
}

}  // namespace
}  // namespace sshlib
