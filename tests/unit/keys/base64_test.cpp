#include "keys/base64.hpp"

#include <gtest/gtest.h>

namespace sshlib::keys {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(as_bytes("")), "");
  EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(as_bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode_unpadded(as_bytes("fo")), "Zm8");
}

TEST(Base64, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(base64_decode("Zm8="), bytes({'f', 'o'}));
  EXPECT_EQ(base64_decode("Zm8"), bytes({'f', 'o'}));
  EXPECT_EQ(base64_decode("Zm9v\r\nYmFy", true), bytes({'f', 'o', 'o', 'b', 'a', 'r'}));
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));      // space without skip_whitespace
  EXPECT_FALSE(base64_decode("Zm=8"));           // data after padding
  EXPECT_FALSE(base64_decode("Z"));              // lone sextet
  EXPECT_FALSE(base64_decode("Zm9=="));          // too much padding
  EXPECT_FALSE(base64_decode("Zh=="));           // non-zero unused bits
  EXPECT_FALSE(base64_decode("Zm9v!"));          // outside the alphabet
}

}  // namespace
}  // namespace sshlib::keys
