#include <sshlib/algorithms.hpp>

#include "crypto/packet_protection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace sshlib {
namespace {

using v = std::vector<std::string>;

const char* const legacy_ciphers[] = {"arcfour", "arcfour128", "arcfour256", "blowfish-cbc",
                                      "cast128-cbc"};

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
  // arcfour / blowfish / cast128 come from OpenSSL's legacy provider, loaded into a library
  // context of its own (sshlib/src/crypto/legacy_provider.hpp). Debian 12's libssl3 ships
  // it, so here they must be usable when asked for, and still off by default.
  const auto d = algorithm_preferences::defaults();
  for (const char* name : legacy_ciphers) {
    ASSERT_TRUE(is_supported_algorithm(algorithm_category::cipher, name))
        << name << ": OpenSSL's legacy provider did not load";
    EXPECT_EQ(std::count(d.cipher.begin(), d.cipher.end(), name), 0) << name << " is on by default";
    auto p = algorithm_preferences::defaults();
    auto r = p.set(algorithm_category::cipher, {name, "aes128-ctr"});
    ASSERT_TRUE(r) << name << ": " << r.error().message();
    EXPECT_EQ(p.cipher, (v{name, "aes128-ctr"}));
    auto q = algorithm_preferences::defaults();
    ASSERT_TRUE(q.append(algorithm_category::cipher, {algorithm_pattern::name(name)}));
    EXPECT_EQ(q.cipher.back(), name);
    const auto all = supported_algorithms(algorithm_category::cipher);
    EXPECT_EQ(std::count(all.begin(), all.end(), name), 1) << name;
  }
  auto p = algorithm_preferences::defaults();
  ASSERT_TRUE(p.append(algorithm_category::cipher, {algorithm_pattern::regex("arcfour.*")}));
  EXPECT_EQ((v{p.cipher.end() - 3, p.cipher.end()}), (v{"arcfour256", "arcfour128", "arcfour"}));
}

// Without the provider (OPENSSL_MODULES pointing at a missing directory, in a fresh process
// so that the once-per-process load happens there) the names are refused with
// algorithm_unavailable and a message that says why, and nothing else changes.
TEST(AlgorithmPreferencesDeathTest, WithoutTheLegacyProviderLegacyCiphersAreUnavailable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("OPENSSL_MODULES", "/nonexistent/sshlib-no-modules", 1);
        int failures = 0;
        auto p = algorithm_preferences::defaults();
        for (const char* name : legacy_ciphers) {
          if (is_supported_algorithm(algorithm_category::cipher, name)) ++failures;
          auto r = p.set(algorithm_category::cipher, {name});
          if (r || r.error().code != make_error_code(errc::algorithm_unavailable) ||
              r.error().detail.find("needs OpenSSL's legacy provider") == std::string::npos) {
            ++failures;
          }
          if (p.append(algorithm_category::cipher, {algorithm_pattern::name(name)})) ++failures;
          auto sealer = crypto::packet_protection::create(name, "hmac-sha2-256",
                                                          crypto::cipher_direction::encrypt,
                                                          bytes(16), bytes(8), bytes(32));
          if (sealer.code() != make_error_code(errc::algorithm_unavailable)) ++failures;
        }
        if (!p.set(algorithm_category::cipher, {"aes128-ctr", "3des-cbc"})) ++failures;
        std::exit(failures);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace sshlib
