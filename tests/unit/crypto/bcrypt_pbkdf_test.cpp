// Known answers for bcrypt_pbkdf from OpenBSD's regression vectors (as republished by the
// RustCrypto and Tmds.Ssh test suites), plus the argument checks.
#include "crypto/bcrypt_pbkdf.hpp"
#include "crypto/blowfish.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sshlib::crypto {
namespace {

using test::from_hex;
using test::to_hex;

struct vector_case {
  std::string password;
  std::string salt;
  std::uint32_t rounds;
  const char* expected_hex;
};

std::string derive(const vector_case& v, std::size_t len) {
  bytes out(len);
  const auto r = bcrypt_pbkdf(as_bytes(v.password), as_bytes(v.salt), v.rounds, out);
  EXPECT_TRUE(r) << r.error().message();
  return to_hex(out);
}

TEST(Blowfish, InitialStateIsPiDigits) {
  const auto& st = blowfish_initial_state();
  EXPECT_EQ(st.p[0], 0x243f6a88u);
  EXPECT_EQ(st.p[17], 0x8979fb1bu);
  EXPECT_EQ(st.s[0], 0xd1310ba6u);
  EXPECT_EQ(st.s[1023], 0x3ac372e6u);
}

TEST(BcryptPbkdf, MatchesOpenbsdVectors) {
  using namespace std::string_literals;
  const vector_case cases[] = {
      {"password", "salt", 4, "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9"},
      {"password", "\0"s, 4, "c12b566235eee04c212598970a579a67"},
      {"\0"s, "salt", 4, "6051be18c2f4f82cbf0efee5471b4bb9"},
      {"password\0"s, "salt\0"s, 4,
       "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050"},
      {"pass\0wor"s, "sa\0l"s, 4, "c2bffd9db38f6569efef4372f4de83c0"},
      {"pass\0word"s, "sa\0lt"s, 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f"},
      {"password", "salt", 8,
       "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec76227ea66088b849b20ab"
       "7aa478010246e74bba51723fefa9f9474d6508845e8d"},
      {"password", "salt", 42, "833cf0dcf56db65608e8f0dc0ce882bd"},
      {"Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
       "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
       "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure "
       "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. "
       "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
       "mollit anim id est laborum.",
       "salis\0"s, 8, "10978b07253df57f71a162eb0e8ad30a"},
  };
  for (const auto& c : cases) {
    const std::string expected = c.expected_hex;
    EXPECT_EQ(derive(c, expected.size() / 2), expected) << "rounds " << c.rounds;
  }
}

TEST(BcryptPbkdf, RejectsZeroRoundsEmptySaltAndOversizedOutput) {
  bytes out(32);
  EXPECT_EQ(bcrypt_pbkdf(as_bytes("pw"), as_bytes("salt"), 0, out).code(), errc::invalid_value);
  EXPECT_EQ(bcrypt_pbkdf(as_bytes("pw"), {}, 1, out).code(), errc::invalid_value);
  bytes big(bcrypt_pbkdf_max_output + 1);
  EXPECT_EQ(bcrypt_pbkdf(as_bytes("pw"), as_bytes("salt"), 1, big).code(), errc::invalid_value);
  bytes none;
  EXPECT_EQ(bcrypt_pbkdf(as_bytes("pw"), as_bytes("salt"), 1, none).code(), errc::invalid_value);
}

}  // namespace
}  // namespace sshlib::crypto
