#include "wire/writer.hpp"

#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::wire {
namespace {

TEST(WireWriter, WritesEveryTypeBigEndian) {
  bytes out;
  writer w(out);
  w.write_byte(0x14);
  w.write_bool(true);
  w.write_bool(false);
  w.write_u32(0x01020304);
  w.write_u64(0x1122334455667788ull);
  w.write_string(std::string_view("ssh"));
  EXPECT_EQ(test::to_hex(out), "140100010203041122334455667788" "00000003737368");
}

TEST(WireWriter, SecureWriterProducesSameBytes) {
  secure_bytes out;
  secure_writer w(out);
  w.write_unsigned_mpint(test::from_hex("80"));
  EXPECT_EQ(test::to_hex(byte_view(out.data(), out.size())), "000000020080");
}

}  // namespace
}  // namespace sshlib::wire
