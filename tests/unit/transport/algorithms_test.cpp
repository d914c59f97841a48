#include <sshlib/algorithms.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

using v = std::vector<std::string>;

TEST(AlgorithmPreferences, DefaultsFollowTheSeedOrder) {
  const auto d = algorithm_preferences::defaults();
  EXPECT_EQ(d.kex.front(), "curve25519-sha256");
  EXPECT_EQ(d.cipher.front(), "chacha20-poly1305@openssh.com");
  EXPECT_EQ(d.mac.front(), "hmac-sha2-256-etm@openssh.com");
  EXPECT_EQ(d.compression, (v{"none", "zlib@openssh.com", "zlib"}));
  // Off by default: SHA-1 signatures and the weak groups and ciphers.
  for (const char* off : {"ssh-rsa", "ssh-dss"}) EXPECT_EQ(std::count(d.host_key.begin(), d.host_key.end(), off), 0);
  for (const char* off : {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"}) {
    EXPECT_EQ(std::count(d.kex.begin(), d.kex.end(), off), 0);
  }
  EXPECT_EQ(std::count(d.cipher.begin(), d.cipher.end(), "3des-cbc"), 0);
}

TEST(AlgorithmPreferences, SetRequiresSupportedDistinctNames) {
  auto p = algorithm_preferences::defaults();
  EXPECT_TRUE(p.set(algorithm_category::cipher, {"aes128-ctr", "3des-cbc"}));
  EXPECT_EQ(p.cipher, (v{"aes128-ctr", "3des-cbc"}));
  auto bad = p.set(algorithm_category::cipher, {"rot13"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, make_error_code(errc::unsupported_algorithm));
  EXPECT_FALSE(p.set(algorithm_category::cipher, {}));
  EXPECT_FALSE(p.set(algorithm_category::cipher, {"aes128-ctr", "aes128-ctr"}));
}

TEST(AlgorithmPreferences, AppendPrependRemoveWithRegexes) {
  auto p = algorithm_preferences::defaults();
  ASSERT_TRUE(p.append(algorithm_category::kex, {algorithm_pattern::name("diffie-hellman-group1-sha1")}));
  EXPECT_EQ(p.kex.back(), "diffie-hellman-group1-sha1");
  ASSERT_TRUE(p.prepend(algorithm_category::cipher, {algorithm_pattern::regex("aes.*-cbc")}));
  EXPECT_EQ((v{p.cipher.begin(), p.cipher.begin() + 3}), (v{"aes256-cbc", "aes192-cbc", "aes128-cbc"}));
  ASSERT_TRUE(p.remove(algorithm_category::mac, {algorithm_pattern::regex(".*sha1.*")}));
  for (const auto& m : p.mac) EXPECT_EQ(m.find("sha1"), std::string::npos) << m;
  EXPECT_FALSE(p.remove(algorithm_category::compression, {algorithm_pattern::regex(".*")}));
  EXPECT_FALSE(p.append(algorithm_category::kex, {algorithm_pattern::regex("(")}));
  EXPECT_FALSE(p.append(algorithm_category::kex, {algorithm_pattern::name("nonsense-kex")}));
}

TEST(AlgorithmPreferences, LegacyCiphersNeedTheLegacyProvider) {
  // arcfour / blowfish / cast128 are listed as supported names but are not built here: the
  // error says so instead of "unknown".
  auto p = algorithm_preferences::defaults();
  auto r = p.set(algorithm_category::cipher, {"blowfish-cbc"});
  if (!is_supported_algorithm(algorithm_category::cipher, "blowfish-cbc")) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::algorithm_unavailable)) << r.error().message();
  }
}

}  // namespace
}  // namespace sshlib
