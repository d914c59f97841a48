// ATTRS (draft-ietf-secsh-filexfer-02 section 5): exact layouts for each flag, round trips,
// and refusal of what version 3 cannot carry or we will not allocate.
#include "sftp/sftp_attrs.hpp"

#include "sftp_samples.hpp"
#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::sftp::protocol {
namespace {

// ATTRS alone: written through a packet_writer, the frame and the type byte stripped.
result<bytes> encode_attrs(const file_attributes& a) {
  packet_writer w(0);
  write_attributes(w, a);
  auto framed = std::move(w).finish();
  if (!framed) return std::move(framed).error();
  return bytes(framed->begin() + frame_header_size + 1, framed->end());
}

result<file_attributes> decode_attrs(byte_view in) {
  packet_reader r(in);
  file_attributes a;
  if (!read_attributes(r, a) || !r.end()) return r.failure("ATTRS");
  return a;
}

TEST(SftpAttrs, EmptyIsAZeroFlagsWord) {
  EXPECT_EQ(*encode_attrs({}), sshlib::test::from_hex("00000000"));
  EXPECT_EQ(*decode_attrs(sshlib::test::from_hex("00000000")), file_attributes{});
}

TEST(SftpAttrs, EachFlagHasTheDraftsLayout) {
  file_attributes size;
  size.size = 0x100000000ULL;
  EXPECT_EQ(*encode_attrs(size), sshlib::test::from_hex("00000001 0000000100000000"));

  file_attributes owner;
  owner.uid = 1000;
  owner.gid = 100;
  EXPECT_EQ(*encode_attrs(owner), sshlib::test::from_hex("00000002 000003e8 00000064"));

  file_attributes mode;
  mode.permissions = 040755;
  EXPECT_EQ(*encode_attrs(mode), sshlib::test::from_hex("00000004 000041ed"));

  file_attributes times;
  times.atime = 1;
  times.mtime = 2;
  EXPECT_EQ(*encode_attrs(times), sshlib::test::from_hex("00000008 00000001 00000002"));

  file_attributes ext;
  ext.extended = {{"a@b", {0x7f}}};
  EXPECT_EQ(*encode_attrs(ext), sshlib::test::from_hex("80000000 00000001 00000003 614062 00000001 7f"));
}

TEST(SftpAttrs, AllFieldsInTheDraftsOrder) {
  const bytes expected = sshlib::test::from_hex(
      "8000000f 0102030405060708 000003e8 00000064 000081a4 6553f100 6553f101 00000002"
      "0000000f 61636c406578616d706c652e636f6d 00000003 010203"
      "00000011 656d707479406578616d706c652e636f6d 00000000");
  EXPECT_EQ(*encode_attrs(test::full_attributes()), expected);
  EXPECT_EQ(*decode_attrs(expected), test::full_attributes());
}

TEST(SftpAttrs, ExtendedFlagWithNoPairsReadsAsNone) {
  EXPECT_EQ(*decode_attrs(sshlib::test::from_hex("80000000 00000000")), file_attributes{});
}

TEST(SftpAttrs, RefusesFlagBitsVersion3DoesNotDefine) {
  // 0x10 is SSH_FILEXFER_ATTR_ACCESSTIME of later drafts: its field's layout is unknown here.
  auto r = decode_attrs(sshlib::test::from_hex("00000010 00000000"));
  EXPECT_EQ(r.code(), errc::invalid_value);
  EXPECT_NE(r.error().detail.find("0x00000010"), std::string::npos) << r.error().detail;
  EXPECT_EQ(decode_attrs(sshlib::test::from_hex("40000000")).code(), errc::invalid_value);
}

TEST(SftpAttrs, RefusesHalfAPairWhenEncoding) {
  file_attributes uid_only;
  uid_only.uid = 1;
  EXPECT_EQ(encode_attrs(uid_only).code(), errc::invalid_value);
  file_attributes gid_only;
  gid_only.gid = 1;
  EXPECT_EQ(encode_attrs(gid_only).code(), errc::invalid_value);
  file_attributes mtime_only;
  mtime_only.mtime = 1;
  EXPECT_EQ(encode_attrs(mtime_only).code(), errc::invalid_value);
}

TEST(SftpAttrs, RefusesTooManyExtendedPairsBothWays) {
  // The count is checked before anything is reserved, even with no bytes behind it.
  auto big = decode_attrs(sshlib::test::from_hex("80000000 00000041"));
  EXPECT_EQ(big.code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_attrs(sshlib::test::from_hex("80000000 ffffffff")).code(), errc::length_exceeds_limit);
  // Within the cap but more than the bytes left could hold.
  EXPECT_EQ(decode_attrs(sshlib::test::from_hex("80000000 00000002 00000000 00000000")).code(), errc::truncated);

  file_attributes many;
  many.extended.resize(limits::max_extended_attributes + 1, extended_attribute{"x", {}});
  EXPECT_EQ(encode_attrs(many).code(), errc::length_exceeds_limit);
  many.extended.pop_back();
  auto at_cap = encode_attrs(many);
  ASSERT_TRUE(at_cap);
  EXPECT_EQ(*decode_attrs(*at_cap), many);
}

TEST(SftpAttrs, RefusesAnOversizedExtendedType) {
  file_attributes a;
  a.extended = {{std::string(limits::max_extension_name + 1, 'x'), {}}};
  EXPECT_EQ(encode_attrs(a).code(), errc::length_exceeds_limit);
  bytes in = sshlib::test::from_hex("80000000 00000001 00000101");  // a type of 257 bytes
  in.resize(in.size() + 257 + 4, 'x');
  EXPECT_EQ(decode_attrs(in).code(), errc::length_exceeds_limit);
}

TEST(SftpAttrs, EveryTruncationIsRefused) {
  const bytes full = *encode_attrs(test::full_attributes());
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_EQ(decode_attrs(byte_view(full).first(n)).code(), errc::truncated) << "prefix of " << n;
  }
}

TEST(SftpAttrs, FileTypeComesFromThePermissionBits) {
  file_attributes a;
  EXPECT_FALSE(a.is_directory());
  EXPECT_FALSE(a.is_regular_file());
  a.permissions = 040700;
  EXPECT_TRUE(a.is_directory());
  EXPECT_FALSE(a.is_regular_file());
  a.permissions = 0100600;
  EXPECT_TRUE(a.is_regular_file());
  a.permissions = 0120777;
  EXPECT_TRUE(a.is_symlink());
  EXPECT_FALSE(a.is_regular_file());  // 0120000 shares its bits with 0100000
  a.permissions = 0140755;
  EXPECT_TRUE(a.is_socket());
  a.permissions = 060660;
  EXPECT_TRUE(a.is_block_device());
  a.permissions = 020620;
  EXPECT_TRUE(a.is_character_device());
  a.permissions = 010644;
  EXPECT_TRUE(a.is_fifo());
  a.permissions = 0644;  // no type bits at all
  EXPECT_FALSE(a.is_regular_file());
}

}  // namespace
}  // namespace sshlib::sftp::protocol
