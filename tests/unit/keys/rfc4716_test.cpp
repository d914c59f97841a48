#include <sshlib/key.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

TEST(Rfc4716, RoundTripsWithLongQuotedComment) {
  const key k = generate_key(key_type::ed25519).value().with_comment(std::string(150, 'c'));
  const std::string text = k.public_rfc4716();
  EXPECT_TRUE(text.starts_with("---- BEGIN SSH2 PUBLIC KEY ----\n"));
  for (std::size_t pos = 0, end; (end = text.find('\n', pos)) != std::string::npos; pos = end + 1) {
    EXPECT_LE(end - pos, 72u) << "RFC 4716 section 3: lines of at most 72 bytes";
  }
  const auto back = parse_key(as_bytes(text));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_TRUE(back->equals(k));
  EXPECT_EQ(back->comment(), k.comment());
}

TEST(Rfc4716, HeadersAreCaseInsensitiveAndOthersIgnored) {
  const key k = generate_key(key_type::ecdsa_p256).value();
  std::string text = k.public_rfc4716();
  text.insert(text.find('\n') + 1, "x-Tag: \\\n continued\nCOMMENT: hello\n");
  const auto back = parse_key(as_bytes(text));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->comment(), "hello");
}

TEST(Rfc4716, MalformedFilesAreRefused) {
  const std::string good = generate_key(key_type::ed25519).value().public_rfc4716();
  EXPECT_FALSE(parse_key(as_bytes(good.substr(0, good.rfind("----", good.size() - 6)))));  // no END
  std::string bad_body = good;
  bad_body[bad_body.find('\n') + 5] = '*';
  EXPECT_FALSE(parse_key(as_bytes(bad_body)));
  std::string long_tag = good;
  long_tag.insert(long_tag.find('\n') + 1, std::string(100, 't') + ": v\n");
  EXPECT_EQ(parse_key(as_bytes(long_tag)).code(), errc::length_exceeds_limit);
}

}  // namespace
}  // namespace sshlib
