// RFC 4716 public key files: what ssh-keygen -e writes, headers per section 3.3
// (continuations, quotes, case-insensitive tags), our writer's 72-byte lines, and every
// malformed shape the parser refuses.
#include "keys/rfc4716.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

// ssh-keygen -e -m RFC4716 of an Ed25519 key.
const std::string exported =
    "---- BEGIN SSH2 PUBLIC KEY ----\n"
    "Comment: \"256-bit ED25519, converted by root@vm from OpenSSH\"\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIPLFtBfKg4z50XTngVAinUhKeBhaFMlR/Rh7HHxegwLn\n"
    "---- END SSH2 PUBLIC KEY ----\n";

errc parse(const std::string& text) {
  auto r = keys::parse_rfc4716(text);
  return r ? errc{} : static_cast<errc>(r.code().value());
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return s;
  return s.replace(at, from.size(), to);
}

TEST(Rfc4716, ParsesSshKeygenExport) {
  const auto k = parse_key(as_bytes(exported));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->type(), "ssh-ed25519");
  EXPECT_FALSE(k->is_private());
  EXPECT_EQ(k->comment(), "256-bit ED25519, converted by root@vm from OpenSSH");
  // CR LF, blank lines before, indentation and text after the END line are accepted.
  std::string crlf;
  for (char c : exported) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(parse(crlf), errc{});
  EXPECT_EQ(parse("\n\n" + exported + "trailer\n"), errc{});
  EXPECT_EQ(parse(replace(exported, "AAAA", "  AAAA")), errc{});
}

TEST(Rfc4716, RoundTripsWithLongQuotedComment) {
  // Spaces everywhere, so that some continuation line starts with one.
  std::string comment;
  for (int i = 0; i < 40; ++i) comment += "word " + std::to_string(i) + "  ";
  const key k = generate_key(key_type::rsa, 2048).value().with_comment(comment);
  const std::string text = k.public_rfc4716();
  EXPECT_TRUE(text.starts_with("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \""));
  std::size_t body_lines_of_70 = 0;
  for (std::size_t pos = 0, end; (end = text.find('\n', pos)) != std::string::npos; pos = end + 1) {
    EXPECT_LE(end - pos, 72u) << "RFC 4716 section 3: lines of at most 72 bytes";
    if (end - pos == 70 && text[end - 1] != '\\') ++body_lines_of_70;
  }
  EXPECT_GT(body_lines_of_70, 3u);
  const auto back = parse_key(as_bytes(text));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_TRUE(back->equals(k));
  EXPECT_EQ(back->comment(), k.comment());
}

TEST(Rfc4716, WriterKeepsTheHeaderOnItsLines) {
  const key k = generate_key(key_type::ed25519).value();
  EXPECT_EQ(k.public_rfc4716().find("Comment"), std::string::npos);  // no comment, no header
  const auto back = parse_key(as_bytes(k.with_comment("two\nlines").public_rfc4716()));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->comment(), "two lines");
  EXPECT_EQ(
      parse_key(as_bytes(k.with_comment(std::string(70, '\\')).public_rfc4716())).value().comment(),
      std::string(70, '\\'));
}

TEST(Rfc4716, HeadersAreCaseInsensitiveAndOthersIgnored) {
  const key k = generate_key(key_type::ecdsa_p256).value();
  std::string text = k.public_rfc4716();
  text.insert(text.find('\n') + 1, "x-Tag: \\\n continued\nCOMMENT: hello\nSubject: \"me\"\n");
  const auto back = parse_key(as_bytes(text));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->comment(), "hello");
  EXPECT_EQ(keys::parse_rfc4716(replace(exported, "Comment: \"", "comment: \"")).value().comment,
            "256-bit ED25519, converted by root@vm from OpenSSH");
  // Unquoted values are taken as they are.
  EXPECT_EQ(
      keys::parse_rfc4716(
          replace(exported, "\"256-bit ED25519, converted by root@vm from OpenSSH\"", "plain"))
          .value()
          .comment,
      "plain");
}

TEST(Rfc4716, MalformedFilesAreRefused) {
  const std::string begin = "---- BEGIN SSH2 PUBLIC KEY ----\n";
  const std::string body = "AAAAC3NzaC1lZDI1NTE5AAAAIPLFtBfKg4z50XTngVAinUhKeBhaFMlR/Rh7HHxegwLn\n";
  EXPECT_EQ(parse(""), errc::invalid_key_format);
  EXPECT_EQ(parse("junk\n" + exported), errc::invalid_key_format);  // text before BEGIN
  EXPECT_EQ(parse(exported.substr(0, exported.rfind("----", exported.size() - 6))),
            errc::invalid_key_format);
  EXPECT_EQ(parse(replace(exported, "AAAAC3", "*AAAC3")), errc::invalid_key_format);
  EXPECT_EQ(parse(begin + "---- END SSH2 PUBLIC KEY ----\n"), errc::invalid_key_format);  // no body
  EXPECT_EQ(parse(begin + "Comment: only a header\n---- END SSH2 PUBLIC KEY ----\n"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(begin + ": no tag\n" + body + "---- END SSH2 PUBLIC KEY ----\n"),
            errc::invalid_key_format);
  EXPECT_EQ(parse(begin + "Comment: runs off \\\n"), errc::invalid_key_format);
  // A header after the body has started is not a header: the body is then not base64.
  EXPECT_EQ(parse(begin + body + "Comment: late\n---- END SSH2 PUBLIC KEY ----\n"),
            errc::invalid_key_format);
  // base64 of something that is not a key blob.
  EXPECT_NE(parse(begin + "aGVsbG8gd29ybGQ=\n---- END SSH2 PUBLIC KEY ----\n"), errc{});
  // Truncated anywhere: refused.
  for (std::size_t n = 0; n + 1 < exported.size(); ++n)
    EXPECT_NE(parse(exported.substr(0, n)), errc{}) << n;
}

TEST(Rfc4716, SizesAreCapped) {
  const std::string begin = "---- BEGIN SSH2 PUBLIC KEY ----\n";
  EXPECT_EQ(parse(replace(exported, "Comment", std::string(100, 't'))), errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(exported, "Comment: \"", "Comment: \"" + std::string(2000, 'v'))),
            errc::length_exceeds_limit);
  std::string continued = begin + "Comment: ";
  for (int i = 0; i < 100; ++i) continued += std::string(20, 'v') + "\\\n";
  EXPECT_EQ(parse(continued + "end\n---- END SSH2 PUBLIC KEY ----\n"), errc::length_exceeds_limit);
  EXPECT_EQ(parse(replace(exported, "AAAAC3", std::string(2000, 'A') + "AAAAC3")),
            errc::length_exceeds_limit);
  EXPECT_EQ(parse(begin + std::string(5000, '\n') + "---- END SSH2 PUBLIC KEY ----\n"),
            errc::length_exceeds_limit);
}

}  // namespace
}  // namespace sshlib
