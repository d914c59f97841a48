#include <bastion/recording/base64_decode.hpp>

#include <gtest/gtest.h>

namespace bastion::recording {
namespace {

TEST(Base64Decode, DecodesEachPaddingLength) {
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("Zg=="), "f");
  EXPECT_EQ(decode_base64("Zm8="), "fo");
  EXPECT_EQ(decode_base64("Zm9v"), "foo");
  EXPECT_EQ(decode_base64("Zm9vYmFy"), "foobar");
}

TEST(Base64Decode, KeepsEveryByteValue) {
  // "AAEC/f7/" is 00 01 02 fd fe ff; "+/" are the alphabet's last two.
  EXPECT_EQ(decode_base64("AAEC/f7/"), std::string("\x00\x01\x02\xfd\xfe\xff", 6));
  EXPECT_EQ(decode_base64("AA=="), std::string(1, '\0'));
}

TEST(Base64Decode, RejectsLengthsNotAMultipleOfFour) {
  EXPECT_FALSE(decode_base64("Zg"));
  EXPECT_FALSE(decode_base64("Zg="));
  EXPECT_FALSE(decode_base64("Zm9vY"));
}

TEST(Base64Decode, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_FALSE(decode_base64("Zm9v\n"));
  EXPECT_FALSE(decode_base64("Zm 9"));
  EXPECT_FALSE(decode_base64("Zm-_"));  // base64url is not this format
  EXPECT_FALSE(decode_base64(std::string("Zm9\0", 4)));
}

TEST(Base64Decode, RejectsPaddingAnywhereButTheEnd) {
  EXPECT_FALSE(decode_base64("Zg==Zm9v"));
  EXPECT_FALSE(decode_base64("Z=g="));
  EXPECT_FALSE(decode_base64("===="));
  EXPECT_FALSE(decode_base64("Z==="));
}

TEST(Base64Decode, RejectsNonZeroBitsAfterTheLastByte) {
  EXPECT_FALSE(decode_base64("Zh=="));  // "Zg==" with a stray low bit
  EXPECT_FALSE(decode_base64("Zm9="));
}

}  // namespace
}  // namespace bastion::recording
