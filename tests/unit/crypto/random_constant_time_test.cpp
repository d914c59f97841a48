// Random bytes and constant-time comparison: behaviour that can be observed from outside.
#include "crypto/constant_time.hpp"
#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sshlib::crypto {
namespace {

TEST(Random, FillsTheRequestedSizeWithDistinctOutputs) {
  std::set<bytes> seen;
  for (int i = 0; i < 32; ++i) {
    auto b = random_bytes(32);
    ASSERT_EQ(b.size(), 32u);
    seen.insert(b);
  }
  // 32 draws of 256 bits: any collision means the generator is broken.
  EXPECT_EQ(seen.size(), 32u);
  EXPECT_TRUE(random_bytes(0).empty());
}

TEST(Random, FillTouchesEveryByte) {
  // A 4 KiB buffer where some byte stays zero after several fills would mean a short write.
  bytes buf(4096, 0);
  bytes ored(4096, 0);
  for (int i = 0; i < 8; ++i) {
    random_fill(buf);
    for (std::size_t j = 0; j < buf.size(); ++j) ored[j] |= buf[j];
  }
  for (std::size_t j = 0; j < ored.size(); ++j) ASSERT_NE(ored[j], 0) << "byte " << j;
}

TEST(ConstantTime, EqualOnlyForSameSizeAndContent) {
  const bytes a{1, 2, 3, 4};
  bytes b = a;
  EXPECT_TRUE(constant_time_equal(a, b));
  for (std::size_t i = 0; i < b.size(); ++i) {
    b = a;
    b[i] ^= 0x80;
    EXPECT_FALSE(constant_time_equal(a, b)) << "difference at " << i;
  }
  EXPECT_FALSE(constant_time_equal(a, byte_view(a).first(3)));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace sshlib::crypto
