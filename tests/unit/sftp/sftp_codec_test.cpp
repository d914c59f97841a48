// The SFTP codec's framing and requests: every request round-trips, a few have the exact
// bytes of draft-ietf-secsh-filexfer-02 written out by hand, and every kind of malformed
// input is refused with its own error rather than crashing or allocating.
#include "sftp/sftp_codec.hpp"

#include "sftp_samples.hpp"
#include "support/hex.hpp"

#include <gtest/gtest.h>

namespace sshlib::sftp::protocol {
namespace {

using test::request_payload;

// The head of an unknown extended request ("x"), to be padded with raw data.
bytes from_hex_payload() { return sshlib::test::from_hex("c8 00000001 00000001 78"); }

TEST(SftpFrame, HeaderAcceptsLengthsUpToTheCap) {
  EXPECT_EQ(*decode_frame_header(sshlib::test::from_hex("00000001")), 1u);
  EXPECT_EQ(*decode_frame_header(sshlib::test::from_hex("00040400")), limits::max_packet_length);
  EXPECT_EQ(decode_frame_header(sshlib::test::from_hex("00040401")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_frame_header(sshlib::test::from_hex("ffffffff")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_frame_header(sshlib::test::from_hex("00000000")).code(), errc::sftp_protocol_error);
  EXPECT_EQ(decode_frame_header(sshlib::test::from_hex("000001")).code(), errc::truncated);
}

TEST(SftpFrame, RequestIdIsFoundEvenInMessagesThatDoNotDecode) {
  EXPECT_EQ(request_id(sshlib::test::from_hex("03 0000002a")), 42u);     // OPEN cut after its id
  EXPECT_EQ(request_id(sshlib::test::from_hex("63 00000007 ff")), 7u);   // unknown type 99
  EXPECT_EQ(request_id(sshlib::test::from_hex("01 00000003")), std::nullopt);  // INIT has no id
  EXPECT_EQ(request_id(sshlib::test::from_hex("02 00000003")), std::nullopt);  // nor VERSION
  EXPECT_EQ(request_id(sshlib::test::from_hex("04 000000")), std::nullopt);
  EXPECT_EQ(request_id({}), std::nullopt);
}

TEST(SftpRequests, EveryRequestRoundTrips) {
  const auto samples = test::sample_requests();
  ASSERT_EQ(samples.size(), std::variant_size_v<request>);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ(samples[i].index(), i) << "sample order";
    const bytes payload = request_payload(samples[i]);
    auto back = decode_request(payload);
    ASSERT_TRUE(back) << i << ": " << back.error().message();
    EXPECT_EQ(*back, samples[i]) << "request alternative " << i;
  }
}

TEST(SftpRequests, InitHasTheDraftsBytes) {
  auto framed = encode_request(init_request{});
  ASSERT_TRUE(framed);
  EXPECT_EQ(*framed, sshlib::test::from_hex("00000005 01 00000003"));
  // OpenSSH's client sends exactly this.
  auto back = decode_request(sshlib::test::from_hex("01 00000003"));
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<init_request>(*back), init_request{});
}

TEST(SftpRequests, OpenHasTheDraftsBytes) {
  file_attributes mode;
  mode.permissions = 0644;
  auto framed = encode_request(open_request{1, "/tmp/a", open_mode::write | open_mode::create | open_mode::truncate, mode});
  ASSERT_TRUE(framed);
  // length 27, SSH_FXP_OPEN, id 1, "/tmp/a", pflags WRITE|CREAT|TRUNC, ATTRS with PERMISSIONS.
  EXPECT_EQ(*framed, sshlib::test::from_hex("0000001b 03 00000001 00000006 2f746d702f61 0000001a 00000004 000001a4"));
}

TEST(SftpRequests, ReadAndWriteHaveTheDraftsBytes) {
  const bytes h{0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(*encode_request(read_request{3, h, 0x1122334455667788ULL, 32768}),
            sshlib::test::from_hex("00000019 05 00000003 00000004 deadbeef 1122334455667788 00008000"));
  EXPECT_EQ(*encode_request(write_request{4, h, 1, {0x41, 0x42}}),
            sshlib::test::from_hex("0000001b 06 00000004 00000004 deadbeef 0000000000000001 00000002 4142"));
}

TEST(SftpRequests, SymlinkKeepsTheWireOrder) {
  // The codec never swaps: OpenSSH's reversed order is the client's business.
  EXPECT_EQ(*encode_request(symlink_request{9, "l", "t"}),
            sshlib::test::from_hex("0000000f 14 00000009 00000001 6c 00000001 74"));
}

TEST(SftpRequests, UnknownOpenFlagsAreKept) {
  const bytes payload = sshlib::test::from_hex("03 00000001 00000001 61 80000001 00000000");
  auto back = decode_request(payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(static_cast<std::uint32_t>(std::get<open_request>(*back).flags), 0x80000001u);
  EXPECT_EQ(request_payload(*back), payload);
}

// Requests whose every byte is needed: each strict prefix is truncated, one more byte is
// trailing data. (INIT and an unknown extended request end with an open-ended tail.)
TEST(SftpRequests, EveryTruncationAndEveryExtraByteIsRefused) {
  for (const request& sample : test::sample_requests()) {
    if (std::holds_alternative<init_request>(sample) || std::holds_alternative<extended_request>(sample)) continue;
    const bytes payload = request_payload(sample);
    for (std::size_t n = 0; n < payload.size(); ++n) {
      auto r = decode_request(byte_view(payload).first(n));
      ASSERT_FALSE(r) << "alternative " << sample.index() << " decoded from a prefix of " << n;
      EXPECT_EQ(r.code(), errc::truncated) << "alternative " << sample.index() << ", prefix " << n;
    }
    bytes longer = payload;
    longer.push_back(0);
    EXPECT_EQ(decode_request(longer).code(), errc::trailing_data) << "alternative " << sample.index();
  }
}

TEST(SftpRequests, RefusesUnknownTypesAndResponses) {
  for (const char* hex : {"00 00000001", "63 00000001", "15 00000001", "65 00000001 00000000", "c9 00000001"}) {
    auto r = decode_request(sshlib::test::from_hex(hex));
    EXPECT_EQ(r.code(), errc::sftp_unknown_message) << hex;
  }
  EXPECT_EQ(decode_request({}).code(), errc::truncated);
}

TEST(SftpRequests, RefusesAHandleLongerThanTheDraftAllows) {
  bytes handle(limits::max_handle_length + 1, 'h');
  EXPECT_EQ(encode_request(close_request{1, handle}).code(), errc::length_exceeds_limit);
  handle.pop_back();
  const bytes ok = request_payload(close_request{1, handle});
  ASSERT_TRUE(decode_request(ok));

  bytes too_long = sshlib::test::from_hex("04 00000001 00000101");
  too_long.resize(too_long.size() + 257, 'h');
  auto r = decode_request(too_long);
  EXPECT_EQ(r.code(), errc::length_exceeds_limit);
  EXPECT_NE(r.error().detail.find("SFTP CLOSE"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("at byte 5"), std::string::npos) << r.error().detail;
}

TEST(SftpRequests, RefusesOversizedPathsAndData) {
  EXPECT_EQ(encode_request(stat_request{1, std::string(limits::max_path_length + 1, 'p')}).code(),
            errc::length_exceeds_limit);
  EXPECT_EQ(encode_request(write_request{1, {1}, 0, bytes(limits::max_data_length + 1)}).code(),
            errc::length_exceeds_limit);
  // A declared length far beyond the packet: refused on the cap, before any copy.
  EXPECT_EQ(decode_request(sshlib::test::from_hex("11 00000001 7fffffff")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(sshlib::test::from_hex("06 00000001 00000001 01 0000000000000000 00040001")).code(),
            errc::length_exceeds_limit);
  // Within the cap but beyond the bytes present.
  EXPECT_EQ(decode_request(sshlib::test::from_hex("11 00000001 00000010 2f")).code(), errc::truncated);
}

TEST(SftpRequests, RefusesAPayloadAboveThePacketCap) {
  // An unknown extended request would otherwise carry any amount of raw data.
  bytes payload = from_hex_payload();
  payload.resize(limits::max_packet_length + 1);
  EXPECT_EQ(decode_request(payload).code(), errc::length_exceeds_limit);
  payload.resize(limits::max_packet_length);
  EXPECT_TRUE(decode_request(payload));
  payload[0] = static_cast<std::uint8_t>(message_type::extended_reply);
  EXPECT_TRUE(decode_response(payload));
  payload.push_back(0);
  EXPECT_EQ(decode_response(payload).code(), errc::length_exceeds_limit);
}

TEST(SftpRequests, RefusesAttributesWithUnknownFlags) {
  auto r = decode_request(sshlib::test::from_hex("0e 00000001 00000001 64 00000100"));
  EXPECT_EQ(r.code(), errc::invalid_value);
  EXPECT_NE(r.error().detail.find("SFTP MKDIR"), std::string::npos) << r.error().detail;
}

TEST(SftpRequests, RefusesTooManyInitExtensions) {
  init_request init;
  init.extensions.resize(limits::max_extension_pairs, extension_pair{"a", "1"});
  const bytes at_cap = request_payload(init);
  ASSERT_TRUE(decode_request(at_cap));
  init.extensions.emplace_back();
  EXPECT_EQ(encode_request(init).code(), errc::length_exceeds_limit);
  bytes over = at_cap;
  for (std::uint8_t b : sshlib::test::from_hex("00000001 62 00000001 31")) over.push_back(b);
  EXPECT_EQ(decode_request(over).code(), errc::length_exceeds_limit);
  // Half a pair at the end.
  EXPECT_EQ(decode_request(sshlib::test::from_hex("01 00000003 00000001 61")).code(), errc::truncated);
}

TEST(SftpRequests, RefusesAPacketAboveTheCap) {
  // Each field within its cap, the whole above max_packet_length.
  open_request big;
  big.attrs.extended.resize(limits::max_extended_attributes,
                            extended_attribute{"x", bytes(limits::max_extension_data, 0)});
  auto r = encode_request(big);
  EXPECT_EQ(r.code(), errc::length_exceeds_limit);
  EXPECT_NE(r.error().detail.find("SFTP packet"), std::string::npos) << r.error().detail;
}

}  // namespace
}  // namespace sshlib::sftp::protocol
