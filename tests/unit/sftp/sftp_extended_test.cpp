// OpenSSH's SFTP extensions (openssh-portable PROTOCOL section 4): the requests have the
// bytes PROTOCOL describes, unknown extensions keep their bytes, and EXTENDED_REPLY bodies
// are parsed by the name of the request they answer.
#include "sftp/sftp_codec.hpp"

#include "sftp_samples.hpp"
#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::sftp::protocol {
namespace {

using sshlib::test::from_hex;
using test::request_payload;

template <class T>
T decoded(byte_view payload) {
  auto r = decode_request(payload);
  EXPECT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r && std::holds_alternative<T>(*r));
  return r && std::holds_alternative<T>(*r) ? std::get<T>(std::move(*r)) : T{};
}

TEST(SftpExtended, PosixRenameHasTheProtocolsBytes) {
  // SSH_FXP_EXTENDED, id 19, "posix-rename@openssh.com", "a", "b".
  const bytes expected =
      from_hex("0000002b c8 00000013 00000018 706f7369782d72656e616d65406f70656e7373682e636f6d 00000001 61 00000001 62");
  EXPECT_EQ(*encode_request(posix_rename_request{19, "a", "b"}), expected);
  EXPECT_EQ(decoded<posix_rename_request>(byte_view(expected).subspan(4)), (posix_rename_request{19, "a", "b"}));
}

TEST(SftpExtended, LimitsRequestIsTheNameAlone) {
  EXPECT_EQ(*encode_request(limits_request{5}),
            from_hex("0000001b c8 00000005 00000012 6c696d697473406f70656e7373682e636f6d"));
}

TEST(SftpExtended, CopyDataHasTheProtocolsFieldOrder) {
  const bytes payload = request_payload(copy_data_request{1, {0xaa}, 2, 3, {0xbb}, 4});
  EXPECT_EQ(payload, from_hex("c8 00000001 00000009 636f70792d64617461 00000001 aa 0000000000000002 0000000000000003"
                              "00000001 bb 0000000000000004"));
}

TEST(SftpExtended, UsersGroupsByIdPacksIdsIntoStrings) {
  const bytes payload = request_payload(users_groups_by_id_request{1, {0, 1000}, {}});
  const bytes name = from_hex("0000001e");
  bytes expected = from_hex("c8 00000001");
  expected.insert(expected.end(), name.begin(), name.end());
  const std::string_view ext = users_groups_by_id_request::extension_name;
  expected.insert(expected.end(), ext.begin(), ext.end());
  for (std::uint8_t b : from_hex("00000008 00000000 000003e8 00000000")) expected.push_back(b);
  EXPECT_EQ(payload, expected);

  // A list whose length is not a multiple of 4 cannot be a list of uint32s.
  bytes odd(expected.begin(), expected.end() - 16);
  for (std::uint8_t b : from_hex("00000003 000000 00000000")) odd.push_back(b);
  auto r = decode_request(odd);
  EXPECT_EQ(r.code(), errc::invalid_value);
  EXPECT_NE(r.error().detail.find("uid list"), std::string::npos) << r.error().detail;

  users_groups_by_id_request many{1, std::vector<std::uint32_t>(limits::max_ids_per_request + 1), {}};
  EXPECT_EQ(encode_request(many).code(), errc::length_exceeds_limit);
}

TEST(SftpExtended, UnknownExtensionsKeepTheirBytes) {
  const bytes payload = from_hex("c8 00000007 00000007 6140622e636f6d 0102 03");
  const auto ext = decoded<extended_request>(payload);
  EXPECT_EQ(ext.id, 7u);
  EXPECT_EQ(ext.name, "a@b.com");
  EXPECT_EQ(ext.data, (bytes{1, 2, 3}));
  EXPECT_EQ(request_payload(ext), payload);
  // No data at all is fine too.
  EXPECT_TRUE(decoded<extended_request>(from_hex("c8 00000007 00000001 78")).data.empty());
}

TEST(SftpExtended, KnownExtensionsWithBadFieldsAreRefused) {
  // statvfs@openssh.com with its path missing, then with a byte after it.
  const bytes head = from_hex("c8 00000001 00000013 7374617476667340 6f70656e7373682e636f6d");
  auto missing = decode_request(head);
  EXPECT_EQ(missing.code(), errc::truncated);
  EXPECT_NE(missing.error().detail.find("statvfs@openssh.com"), std::string::npos) << missing.error().detail;
  bytes extra = head;
  for (std::uint8_t b : from_hex("00000001 2f 00")) extra.push_back(b);
  EXPECT_EQ(decode_request(extra).code(), errc::trailing_data);
  // An extension name above its cap.
  bytes long_name = from_hex("c8 00000001 00000101");
  long_name.resize(long_name.size() + 257, 'n');
  EXPECT_EQ(decode_request(long_name).code(), errc::length_exceeds_limit);
}

TEST(SftpExtendedReply, StatvfsReplyIsElevenUint64s) {
  bytes data;
  for (std::uint64_t v = 1; v <= 11; ++v) {
    for (int shift = 56; shift >= 0; shift -= 8) data.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  const fs_info expected{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (std::string_view name : {"statvfs@openssh.com", "fstatvfs@openssh.com"}) {
    auto body = decode_extended_reply(name, data);
    ASSERT_TRUE(body) << body.error().message();
    EXPECT_EQ(std::get<fs_info>(*body), expected);
  }
  EXPECT_EQ(*encode_extended_reply(expected), data);
  EXPECT_EQ(decode_extended_reply("statvfs@openssh.com", byte_view(data).first(87)).code(), errc::truncated);
  data.push_back(0);
  EXPECT_EQ(decode_extended_reply("statvfs@openssh.com", data).code(), errc::trailing_data);
}

TEST(SftpExtendedReply, LimitsReplyIsFourUint64s) {
  const bytes data = from_hex("0000000000040000 000000000003fc00 000000000003fc00 0000000000000000");
  auto body = decode_extended_reply("limits@openssh.com", data);
  ASSERT_TRUE(body) << body.error().message();
  EXPECT_EQ(std::get<server_limits>(*body), (server_limits{262144, 261120, 261120, 0}));
  EXPECT_EQ(*encode_extended_reply(server_limits{262144, 261120, 261120, 0}), data);
  EXPECT_EQ(decode_extended_reply("limits@openssh.com", byte_view(data).first(31)).code(), errc::truncated);
}

TEST(SftpExtendedReply, UsersGroupsReplyPacksNamesIntoStrings) {
  const bytes data = from_hex("0000000d 00000004 726f6f74 00000001 78 00000004 00000000");
  auto body = decode_extended_reply("users-groups-by-id@openssh.com", data);
  ASSERT_TRUE(body) << body.error().message();
  const users_groups_reply expected{{"root", "x"}, {""}};
  EXPECT_EQ(std::get<users_groups_reply>(*body), expected);
  EXPECT_EQ(*encode_extended_reply(expected), data);

  // A name cut inside the packed list.
  auto cut = decode_extended_reply("users-groups-by-id@openssh.com", from_hex("00000006 00000004 726f 00000000"));
  EXPECT_EQ(cut.code(), errc::truncated);
  EXPECT_NE(cut.error().detail.find("user names"), std::string::npos) << cut.error().detail;
  // A name above its cap.
  bytes long_name = from_hex("00000105 00000101");
  long_name.resize(long_name.size() + 257, 'u');
  for (std::uint8_t b : from_hex("00000000")) long_name.push_back(b);
  EXPECT_EQ(decode_extended_reply("users-groups-by-id@openssh.com", long_name).code(), errc::length_exceeds_limit);
}

TEST(SftpExtendedReply, TooManyPackedNamesAreRefused) {
  users_groups_reply many;
  many.user_names.resize(limits::max_ids_per_request + 1);
  EXPECT_EQ(encode_extended_reply(many).code(), errc::length_exceeds_limit);
  // The same list built by hand: 4097 empty strings.
  bytes packed;
  wire::writer w(packed);
  bytes names;
  wire::writer nw(names);
  for (std::size_t i = 0; i <= limits::max_ids_per_request; ++i) nw.write_string(std::string_view{});
  w.write_string(names);
  w.write_string(std::string_view{});
  EXPECT_EQ(decode_extended_reply("users-groups-by-id@openssh.com", packed).code(), errc::length_exceeds_limit);
}

TEST(SftpExtendedReply, UnknownExtensionsGiveTheRawBody) {
  auto body = decode_extended_reply("check-file", from_hex("010203"));
  ASSERT_TRUE(body);
  EXPECT_EQ(std::get<raw_extended_reply>(*body).data, (bytes{1, 2, 3}));
  EXPECT_EQ(*encode_extended_reply(raw_extended_reply{{1, 2, 3}}), from_hex("010203"));
}

}  // namespace
}  // namespace sshlib::sftp::protocol
