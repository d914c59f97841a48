// The SFTP codec's responses: every response round-trips, STATUS, NAME and VERSION have the
// bytes of draft-ietf-secsh-filexfer-02 written out by hand, STATUS is accepted without its
// message and language tag, and malformed replies are refused with their own error.
#include "sftp/sftp_codec.hpp"

#include "sftp_samples.hpp"
#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::sftp::protocol {
namespace {

using sshlib::test::from_hex;
using test::response_payload;

TEST(SftpResponses, EveryResponseRoundTrips) {
  const auto samples = test::sample_responses();
  ASSERT_EQ(samples.size(), std::variant_size_v<response>);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ(samples[i].index(), i) << "sample order";
    auto back = decode_response(response_payload(samples[i]));
    ASSERT_TRUE(back) << i << ": " << back.error().message();
    EXPECT_EQ(*back, samples[i]) << "response alternative " << i;
  }
}

TEST(SftpResponses, StatusHasTheDraftsBytes) {
  EXPECT_EQ(*encode_response(status_response{1, status_code::no_such_file, "No such file", "en"}),
            from_hex("0000001f 65 00000001 00000002 0000000c 4e6f20737563682066696c65 00000002 656e"));
  // Empty message and tag are still sent, as two empty strings.
  EXPECT_EQ(*encode_response(status_response{7, status_code::ok, "", ""}),
            from_hex("00000011 65 00000007 00000000 00000000 00000000"));
}

TEST(SftpResponses, StatusWithoutMessageOrLanguageIsAccepted) {
  auto bare = decode_response(from_hex("65 00000009 00000001"));
  ASSERT_TRUE(bare) << bare.error().message();
  EXPECT_EQ(std::get<status_response>(*bare), (status_response{9, status_code::eof, "", ""}));

  auto message_only = decode_response(from_hex("65 00000009 00000004 00000002 6e6f"));
  ASSERT_TRUE(message_only) << message_only.error().message();
  EXPECT_EQ(std::get<status_response>(*message_only), (status_response{9, status_code::failure, "no", ""}));

  // A partial string is still a truncation, and nothing may follow the tag.
  EXPECT_EQ(decode_response(from_hex("65 00000009 00000004 00000002 6e")).code(), errc::truncated);
  EXPECT_EQ(decode_response(from_hex("65 00000009 00000004 0000")).code(), errc::truncated);
  EXPECT_EQ(decode_response(from_hex("65 00000009 00000004 00000000 00000000 00")).code(), errc::trailing_data);
  EXPECT_EQ(decode_response(from_hex("65 00000009 0000")).code(), errc::truncated);
}

TEST(SftpResponses, StatusCodesOfLaterDraftsAreKept) {
  auto r = decode_response(from_hex("65 00000001 0000000b"));  // SSH_FX_FILE_ALREADY_EXISTS of draft 05+
  ASSERT_TRUE(r);
  EXPECT_EQ(static_cast<std::uint32_t>(std::get<status_response>(*r).code), 11u);
}

TEST(SftpResponses, NameHasTheDraftsBytes) {
  name_response name{3, {{"a", "-r 1 a", file_attributes{}}}};
  name.entries[0].attrs.size = 5;
  // length 36, SSH_FXP_NAME, id 3, count 1, "a", longname "-r 1 a", ATTRS with SIZE 5.
  EXPECT_EQ(*encode_response(name),
            from_hex("00000024 68 00000003 00000001 00000001 61 00000006 2d7220312061 00000001 0000000000000005"));
}

TEST(SftpResponses, VersionHasTheProtocolsBytes) {
  // OpenSSH's announcement format (PROTOCOL section 4.2): version, then name/version pairs.
  EXPECT_EQ(*encode_response(version_response{3, {{"fsync@openssh.com", "1"}}}),
            from_hex("0000001f 02 00000003 00000011 6673796e63406f70656e7373682e636f6d 00000001 31"));
  auto bare = decode_response(from_hex("02 00000003"));
  ASSERT_TRUE(bare);
  EXPECT_EQ(std::get<version_response>(*bare), version_response{});
}

TEST(SftpResponses, HandleAndDataHaveTheDraftsBytes) {
  EXPECT_EQ(*encode_response(handle_response{2, {0, 0, 0, 1}}), from_hex("0000000d 66 00000002 00000004 00000001"));
  EXPECT_EQ(*encode_response(data_response{2, {0x68, 0x69}}), from_hex("0000000b 67 00000002 00000002 6869"));
  EXPECT_EQ(*encode_response(attrs_response{2, {}}), from_hex("00000009 69 00000002 00000000"));
  EXPECT_EQ(*encode_response(extended_reply{2, {0xab}}), from_hex("00000006 c9 00000002 ab"));
}

TEST(SftpResponses, EveryTruncationAndEveryExtraByteIsRefused) {
  for (const response& sample : test::sample_responses()) {
    // VERSION and EXTENDED_REPLY end with open-ended tails; STATUS has optional strings.
    if (std::holds_alternative<version_response>(sample) || std::holds_alternative<extended_reply>(sample) ||
        std::holds_alternative<status_response>(sample)) {
      continue;
    }
    const bytes payload = response_payload(sample);
    for (std::size_t n = 0; n < payload.size(); ++n) {
      auto r = decode_response(byte_view(payload).first(n));
      ASSERT_FALSE(r) << "alternative " << sample.index() << " decoded from a prefix of " << n;
      EXPECT_EQ(r.code(), errc::truncated) << "alternative " << sample.index() << ", prefix " << n;
    }
    bytes longer = payload;
    longer.push_back(0);
    EXPECT_EQ(decode_response(longer).code(), errc::trailing_data) << "alternative " << sample.index();
  }
}

TEST(SftpResponses, RefusesUnknownTypesAndRequests) {
  for (const char* hex : {"00 00000001", "01 00000003", "03 00000001", "6a 00000001", "c8 00000001", "ff"}) {
    EXPECT_EQ(decode_response(from_hex(hex)).code(), errc::sftp_unknown_message) << hex;
  }
}

TEST(SftpResponses, RefusesTooManyNames) {
  // The count is refused before anything is reserved, however many bytes follow.
  auto r = decode_response(from_hex("68 00000001 00001001"));
  EXPECT_EQ(r.code(), errc::length_exceeds_limit);
  EXPECT_NE(r.error().detail.find("4097 names"), std::string::npos) << r.error().detail;
  EXPECT_EQ(decode_response(from_hex("68 00000001 ffffffff")).code(), errc::length_exceeds_limit);
  // Within the cap but more than the bytes left could hold (12 bytes per entry at least).
  EXPECT_EQ(decode_response(from_hex("68 00000001 00000002 00000000 00000000 00000000")).code(), errc::truncated);

  name_response many{1, std::vector<directory_entry>(limits::max_names_per_reply + 1)};
  EXPECT_EQ(encode_response(many).code(), errc::length_exceeds_limit);
  many.entries.pop_back();
  auto at_cap = decode_response(response_payload(many));
  ASSERT_TRUE(at_cap) << at_cap.error().message();
  EXPECT_EQ(std::get<name_response>(*at_cap).entries.size(), limits::max_names_per_reply);
}

TEST(SftpResponses, RefusesAHandleLongerThanTheDraftAllows) {
  EXPECT_EQ(encode_response(handle_response{1, bytes(limits::max_handle_length + 1)}).code(),
            errc::length_exceeds_limit);
  bytes in = from_hex("66 00000001 00000101");
  in.resize(in.size() + 257);
  EXPECT_EQ(decode_response(in).code(), errc::length_exceeds_limit);
}

TEST(SftpResponses, RefusesOversizedFields) {
  EXPECT_EQ(encode_response(data_response{1, bytes(limits::max_data_length + 1)}).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_response(from_hex("67 00000001 00040001")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(encode_response(status_response{1, status_code::failure, std::string(limits::max_status_message + 1, 'm'),
                                            ""})
                .code(),
            errc::length_exceeds_limit);
  EXPECT_EQ(decode_response(from_hex("65 00000001 00000004 00000000 00000101")).code(), errc::length_exceeds_limit);
}

TEST(SftpResponses, DataAtTheCapFitsInAPacket) {
  // The largest DATA a server may send decodes: the packet cap leaves room for its header.
  const data_response big{1, bytes(limits::max_data_length, 0x11)};
  auto back = decode_response(response_payload(big));
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<data_response>(*back), big);
}

}  // namespace
}  // namespace sshlib::sftp::protocol
