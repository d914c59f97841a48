// check_password with hashes made here by libcrypt: yescrypt, sha512-crypt and bcrypt.
#include <bastion/policy/authentication.hpp>

#include "policy_fixtures.hpp"

#include <crypt.h>

namespace bastion::policy {
namespace {

// crypt(password) with a fresh salt of `prefix`'s method (count 0: the default cost; bcrypt
// uses the cheapest, 4, to keep the test fast).
std::string hash_of(const char* prefix, const char* password, unsigned long count = 0) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(prefix, count, nullptr, 0, setting, sizeof setting) == nullptr)
    throw std::runtime_error("gensalt");
  crypt_data data{};
  const char* out = crypt_rn(password, setting, &data, sizeof data);
  if (out == nullptr || out[0] == '*') throw std::runtime_error("crypt");
  return out;
}

std::shared_ptr<const policy_set> policy_with_hash(const std::string& hash) {
  return test::must_load({{"users",
                           {{"bob", {{"password_hash", hash}}},
                            {"carol", {{"public_keys", {test::public_line(test::new_key())}}}}}}});
}

class PasswordMethods : public ::testing::TestWithParam<std::pair<const char*, unsigned long>> {};

TEST_P(PasswordMethods, RightPasswordAcceptedWrongRefused) {
  const auto hash = hash_of(GetParam().first, "correct horse", GetParam().second);
  const auto p = policy_with_hash(hash);
  ASSERT_TRUE(p);
  const auto ok = check_password(*p, "bob", "correct horse");
  EXPECT_TRUE(ok.allowed) << ok.reason;
  EXPECT_EQ(ok.reason, "password accepted for bob");
  const auto bad = check_password(*p, "bob", "correct horsf");
  EXPECT_FALSE(bad.allowed);
  EXPECT_EQ(bad.reason, "wrong password for bob");
  EXPECT_FALSE(check_password(*p, "bob", ""));
}

INSTANTIATE_TEST_SUITE_P(Crypt, PasswordMethods,
                         ::testing::Values(std::make_pair("$y$", 0ul), std::make_pair("$6$", 0ul),
                                           std::make_pair("$2b$", 4ul),
                                           std::make_pair("$2y$", 4ul)));

TEST(Password, UnknownUserAndUserWithoutHashAreRefused) {
  const auto p = policy_with_hash(hash_of("$6$", "pw"));
  ASSERT_TRUE(p);
  const auto unknown = check_password(*p, "mallory", "pw");
  EXPECT_FALSE(unknown.allowed);
  EXPECT_EQ(unknown.reason, "password refused: unknown user \"mallory\"");
  const auto no_hash = check_password(*p, "carol", "pw");
  EXPECT_FALSE(no_hash.allowed);
  EXPECT_EQ(no_hash.reason, "password refused: user carol has no password");
}

TEST(Password, NulBytesAndOverlongPasswordsAreRefused) {
  const auto p = policy_with_hash(hash_of("$6$", "pw"));
  ASSERT_TRUE(p);
  EXPECT_FALSE(check_password(*p, "bob", sshlib::secret_string(std::string_view("pw\0x", 4))));
  const auto longer = check_password(*p, "bob", sshlib::secret_string(std::string(600, 'a')));
  EXPECT_FALSE(longer.allowed);
  EXPECT_NE(longer.reason.find("longer than"), std::string::npos);
}

TEST(Password, GeneratedHashesPassTheLoadersFormatCheck) {
  for (const auto& [prefix, count] :
       {std::make_pair("$y$", 0ul), std::make_pair("$6$", 0ul), std::make_pair("$2b$", 4ul)}) {
    const auto h = hash_of(prefix, "x", count);
    EXPECT_TRUE(policy_with_hash(h)) << h;
  }
  // sha512-crypt with an explicit round count.
  EXPECT_TRUE(policy_with_hash(hash_of("$6$", "x", 5000)));
}

}  // namespace
}  // namespace bastion::policy
