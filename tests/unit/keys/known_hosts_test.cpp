// known_hosts parsing: every line form, hashed names checked against HMAC-SHA1 computed
// here, the per-line warnings that replace failure, the caps, files, and new entries.
// The trust decisions themselves are in known_hosts_check_test.cpp.
#include <sshlib/known_hosts.hpp>

#include "crypto/hmac.hpp"
#include "keys/base64.hpp"
#include "keys/known_hosts.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sshlib {
namespace {

key must_generate(key_type t) {
  auto k = generate_key(t);
  if (!k) throw std::runtime_error(k.error().message());
  return k->public_only();
}

known_hosts must_parse(std::string_view text) {
  auto kh = known_hosts::parse(text, "test_known_hosts");
  if (!kh) throw std::runtime_error(kh.error().message());
  return std::move(*kh);
}

// "type base64" of a key, as known_hosts lines carry it.
std::string key_text(const key& k) { return k.with_comment({}).public_ssh(); }

// What ssh-keygen -H writes for name under salt, computed independently of the library's
// hashed_host code.
std::string hashed(std::string_view name, const bytes& salt) {
  auto mac = crypto::hmac(crypto::hmac_algorithm::sha1, salt, as_bytes(name));
  if (!mac) throw std::runtime_error(mac.error().message());
  return "|1|" + keys::base64_encode(salt) + "|" + keys::base64_encode(*mac);
}

bool finds(const known_hosts& kh, std::string_view host, std::uint16_t port = 22) {
  return !kh.lookup(host, port).empty();
}

class KnownHosts : public ::testing::Test {
protected:
  key ed_ = must_generate(key_type::ed25519);
  key ec_ = must_generate(key_type::ecdsa_p256);
};

TEST_F(KnownHosts, ParsesEveryFieldOfALine) {
  const auto kh = must_parse("# a comment\n\n   \nhost.example,10.0.0.1 " + ed_.public_ssh() + " my comment here\n" +
                             "@cert-authority *.example " + key_text(ec_) + "\n" + "@revoked\t* " + key_text(ed_));
  ASSERT_EQ(kh.entries().size(), 3u);
  EXPECT_TRUE(kh.warnings().empty());
  EXPECT_EQ(kh.source_name(), "test_known_hosts");
  const auto& e = kh.entries()[0];
  EXPECT_EQ(e.line, 4u);
  EXPECT_EQ(e.marker, known_hosts_marker::none);
  EXPECT_EQ(e.hosts, "host.example,10.0.0.1");
  EXPECT_TRUE(e.host_key.equals(ed_));
  EXPECT_EQ(e.host_key.comment(), "my comment here");
  EXPECT_EQ(kh.entries()[1].marker, known_hosts_marker::cert_authority);
  EXPECT_EQ(kh.entries()[1].hosts, "*.example");
  EXPECT_EQ(kh.entries()[2].marker, known_hosts_marker::revoked);
  EXPECT_EQ(kh.entries()[2].line, 6u);
}

TEST_F(KnownHosts, AcceptsCrlfAndLeadingBlanks) {
  const auto kh = must_parse("  \thost.example " + key_text(ed_) + "\r\n# c\r\n\r\nother " + key_text(ec_) + "\r\n");
  ASSERT_EQ(kh.entries().size(), 2u);
  EXPECT_TRUE(kh.warnings().empty());
  EXPECT_EQ(kh.entries()[1].line, 4u);
  EXPECT_EQ(kh.entries()[1].hosts, "other");
}

TEST_F(KnownHosts, LookupFollowsPatternsPortsAndNegation) {
  const auto kh = must_parse("host.example,10.0.0.1 " + key_text(ed_) + "\n" +        //
                             "*.lab.example,!pc.lab.example " + key_text(ed_) + "\n" +  //
                             "[port.example]:2222 " + key_text(ed_) + "\n" +             //
                             "[*.wild.example]:2200 " + key_text(ed_) + "\n" +           //
                             "web? " + key_text(ed_) + "\n");
  EXPECT_TRUE(finds(kh, "host.example"));
  EXPECT_TRUE(finds(kh, "HOST.Example"));
  EXPECT_TRUE(finds(kh, "10.0.0.1"));
  EXPECT_TRUE(finds(kh, "host.example", 0));  // 0: port not given, looked up as 22
  EXPECT_FALSE(finds(kh, "host.example", 2222));
  EXPECT_TRUE(finds(kh, "ws.lab.example"));
  EXPECT_FALSE(finds(kh, "pc.lab.example"));
  EXPECT_TRUE(finds(kh, "port.example", 2222));
  EXPECT_FALSE(finds(kh, "port.example"));
  EXPECT_FALSE(finds(kh, "port.example", 2223));
  EXPECT_TRUE(finds(kh, "a.wild.example", 2200));
  EXPECT_FALSE(finds(kh, "a.wild.example"));
  EXPECT_TRUE(finds(kh, "web1"));
  EXPECT_FALSE(finds(kh, "web12"));
  EXPECT_FALSE(finds(kh, ""));
  EXPECT_EQ(kh.lookup("ws.lab.example", 22).front().line, 2u);
}

TEST_F(KnownHosts, HashedNamesMatchHmacSha1OfTheName) {
  const bytes salt1(20, 0x11), salt2 = [] {
    bytes s(20);
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(i * 13);
    return s;
  }();
  const auto kh = must_parse(hashed("host.example", salt1) + " " + key_text(ed_) + "\n" +
                             hashed("[port.example]:2222", salt2) + " " + key_text(ec_) + "\n" +
                             "@cert-authority " + hashed("ca.example", salt1) + " " + key_text(ec_) + "\n");
  ASSERT_EQ(kh.entries().size(), 3u);
  EXPECT_TRUE(kh.warnings().empty());
  EXPECT_TRUE(finds(kh, "host.example"));
  EXPECT_TRUE(finds(kh, "Host.Example"));  // ssh lower-cases before hashing
  EXPECT_FALSE(finds(kh, "host.example", 2222));
  EXPECT_FALSE(finds(kh, "host.exampl"));
  EXPECT_TRUE(finds(kh, "port.example", 2222));
  EXPECT_FALSE(finds(kh, "port.example"));
  EXPECT_EQ(kh.lookup("ca.example", 22).front().marker, known_hosts_marker::cert_authority);
  // A hashed field is never read as a pattern, so it cannot match by wildcard.
  EXPECT_FALSE(finds(kh, "|1|*"));
}

TEST_F(KnownHosts, MalformedLinesAreSkippedWithTheirLineNumbers) {
  const std::string good = "good.example " + key_text(ed_) + "\n";
  const std::string text = good +                                               // 1
                           "@bogus host " + key_text(ed_) + "\n" +              // 2
                           "@revoked @cert-authority host " + key_text(ed_) + "\n" +  // 3
                           "host-without-key\n" +                               // 4
                           "@revoked\n" +                                       // 5
                           "host ssh-ed25519 !!!notbase64\n" +                  // 6
                           "host ssh-ed25519\n" +                               // 7
                           "|1|c2FsdA==|AAAA " + key_text(ed_) + "\n" +         // 8: 4-byte salt
                           "|2|abc|def " + key_text(ed_) + "\n" +               // 9
                           "host 1024 35 12345678901234567890\n" +              // 10: SSH-1 RSA
                           "host sk-ssh-ed25519@openssh.com AAAA\n" +           // 11
                           "host ssh-rsa " + key_text(ed_).substr(12) + "\n" +  // 12: type mismatch
                           good;                                                // 13
  const auto kh = must_parse(text);
  ASSERT_EQ(kh.entries().size(), 2u);
  EXPECT_EQ(kh.entries()[1].line, 13u);
  ASSERT_EQ(kh.warnings().size(), 11u);
  EXPECT_EQ(kh.skipped_lines(), 11u);
  for (std::size_t i = 0; i < kh.warnings().size(); ++i) {
    EXPECT_EQ(kh.warnings()[i].line, i + 2) << kh.warnings()[i].reason;
    EXPECT_FALSE(kh.warnings()[i].reason.empty());
  }
  const auto reason = [&](std::size_t line) { return kh.warnings()[line - 2].reason; };
  EXPECT_NE(reason(2).find("unknown marker \"@bogus\""), std::string::npos) << reason(2);
  EXPECT_NE(reason(3).find("more than one marker"), std::string::npos) << reason(3);
  EXPECT_NE(reason(4).find("no key"), std::string::npos) << reason(4);
  EXPECT_NE(reason(5).find("no host names"), std::string::npos) << reason(5);
  EXPECT_NE(reason(6).find("base64"), std::string::npos) << reason(6);
  EXPECT_NE(reason(8).find("salt of 4 bytes"), std::string::npos) << reason(8);
  EXPECT_NE(reason(9).find("|1|"), std::string::npos) << reason(9);
  EXPECT_NE(reason(10).find("SSH-1"), std::string::npos) << reason(10);
  EXPECT_NE(reason(11).find("sk-ssh-ed25519@openssh.com"), std::string::npos) << reason(11);
}

TEST_F(KnownHosts, OverlongLinesAreSkippedAndReported) {
  const std::string longline = "host.example " + key_text(ed_) + " " + std::string(16 * 1024, 'c') + "\n";
  const auto kh = must_parse("a " + key_text(ed_) + "\n" + longline + "b " + key_text(ed_) + "\n");
  ASSERT_EQ(kh.entries().size(), 2u);
  ASSERT_EQ(kh.warnings().size(), 1u);
  EXPECT_EQ(kh.warnings()[0].line, 2u);
  EXPECT_NE(kh.warnings()[0].reason.find("16384-byte limit"), std::string::npos) << kh.warnings()[0].reason;
}

TEST_F(KnownHosts, WarningsAreCappedButEverySkippedLineIsCounted) {
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "junk\n";
  text += "host " + key_text(ed_) + "\n";
  const auto kh = must_parse(text);
  EXPECT_EQ(kh.warnings().size(), 1000u);
  EXPECT_EQ(kh.skipped_lines(), 1500u);
  ASSERT_EQ(kh.entries().size(), 1u);
  EXPECT_EQ(kh.entries()[0].line, 1501u);
}

TEST_F(KnownHosts, TooManyEntriesFailTheWholeFile) {
  const std::string line = "h " + key_text(ed_) + "\n";
  std::string text;
  text.reserve(line.size() * 100001);
  for (int i = 0; i < 100001; ++i) text += line;
  // One parse only (each costs seconds under ASan): failing at line 100001 shows that the
  // 100000 lines before it were accepted.
  const auto kh = known_hosts::parse(text, "big");
  ASSERT_FALSE(kh);
  EXPECT_EQ(kh.code(), errc::length_exceeds_limit);
  EXPECT_NE(kh.error().detail.find("more than 100000 entries (line 100001)"), std::string::npos)
      << kh.error().detail;
}

TEST_F(KnownHosts, TextOverTheFileCapIsRefused) {
  const std::string text(64 * 1024 * 1024 + 1, '\n');
  const auto kh = known_hosts::parse(text, "huge");
  ASSERT_FALSE(kh);
  EXPECT_EQ(kh.code(), errc::length_exceeds_limit);
  EXPECT_NE(kh.error().detail.find("huge"), std::string::npos);
}

TEST_F(KnownHosts, LoadsFilesAndReportsMissingOnes) {
  test::temp_dir dir;
  test::write_file(dir / "known_hosts", "host.example " + key_text(ed_) + "\nbad\n");
  const auto kh = known_hosts::load(dir / "known_hosts");
  ASSERT_TRUE(kh) << kh.error().message();
  EXPECT_EQ(kh->entries().size(), 1u);
  EXPECT_EQ(kh->source_name(), (dir / "known_hosts").string());
  ASSERT_EQ(kh->warnings().size(), 1u);
  EXPECT_EQ(kh->warnings()[0].line, 2u);

  const auto missing = known_hosts::load(dir / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.code(), boost::system::errc::no_such_file_or_directory);
  EXPECT_NE(missing.error().detail.find("nope"), std::string::npos);
  EXPECT_FALSE(known_hosts::load(dir.path()));  // a directory
}

TEST_F(KnownHosts, FormatEntryWritesLinesThatParseBack) {
  for (const bool hash : {false, true}) {
    for (const std::uint16_t port : {std::uint16_t{22}, std::uint16_t{2222}}) {
      SCOPED_TRACE(std::to_string(hash) + " " + std::to_string(port));
      const auto line = known_hosts::format_entry("Host.Example", port, ed_.with_comment("dropped"), hash);
      ASSERT_TRUE(line) << line.error().message();
      EXPECT_EQ(line->back(), '\n');
      EXPECT_EQ(line->find("dropped"), std::string::npos);
      EXPECT_EQ(line->front() == '|', hash);
      const auto kh = must_parse(*line);
      ASSERT_EQ(kh.entries().size(), 1u);
      EXPECT_TRUE(kh.entries()[0].host_key.equals(ed_));
      EXPECT_TRUE(finds(kh, "host.example", port));
      EXPECT_FALSE(finds(kh, "host.example", port == 22 ? 2222 : 22));
    }
  }
  EXPECT_EQ(*known_hosts::format_entry("Host.Example", 22, ed_, false), "host.example " + key_text(ed_) + "\n");
  EXPECT_EQ(*known_hosts::format_entry("::1", 2222, ed_, false), "[::1]:2222 " + key_text(ed_) + "\n");
  // Fresh salt every time.
  EXPECT_NE(*known_hosts::format_entry("h", 22, ed_, true), *known_hosts::format_entry("h", 22, ed_, true));
}

TEST_F(KnownHosts, FormatEntryRefusesNamesThatWouldBePatterns) {
  for (const char* bad : {"", "*", "a,b", "host?", "[h]:22", "!h", "@revoked", "|1|x", "#h", "a b", "a\tb", "a\nb"}) {
    SCOPED_TRACE(bad);
    const auto line = known_hosts::format_entry(bad, 22, ed_, false);
    ASSERT_FALSE(line);
    EXPECT_EQ(line.code(), errc::invalid_value);
    EXPECT_FALSE(known_hosts::format_entry(bad, 22, ed_, true));
  }
  EXPECT_FALSE(known_hosts::format_entry(std::string(1025, 'a'), 22, ed_, false));
  EXPECT_TRUE(known_hosts::format_entry(std::string(1024, 'a'), 22, ed_, false));
}

TEST(KnownHostsName, PortTwentyTwoAndZeroAreBare) {
  EXPECT_EQ(keys::known_hosts_name("Host.Example", 22), "host.example");
  EXPECT_EQ(keys::known_hosts_name("host", 0), "host");
  EXPECT_EQ(keys::known_hosts_name("host", 2222), "[host]:2222");
  EXPECT_EQ(keys::known_hosts_name("::1", 65535), "[::1]:65535");
}

}  // namespace
}  // namespace sshlib
