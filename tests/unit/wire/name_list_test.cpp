#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include "support/hex.hpp"

#include <sshlib/result.hpp>

#include <gtest/gtest.h>

namespace sshlib::wire {
namespace {

bytes as_string_field(std::string_view s) {
  bytes out;
  writer(out).write_string(s);
  return out;
}

result<std::vector<std::string>> parse(std::string_view list) {
  const bytes in = as_string_field(list);
  reader r(in);
  std::vector<std::string> names;
  if (!r.read_name_list(names) || !r.expect_end()) return error{r.error()};
  return names;
}

TEST(NameList, Rfc4251Examples) {
  EXPECT_EQ(test::to_hex(as_string_field("")), "00000000");
  EXPECT_EQ(test::to_hex(as_string_field("zlib")), "000000047a6c6962");
  EXPECT_EQ(test::to_hex(as_string_field("zlib,none")), "000000097a6c69622c6e6f6e65");
  EXPECT_EQ(*parse(""), std::vector<std::string>{});
  EXPECT_EQ(*parse("zlib"), std::vector<std::string>{"zlib"});
  EXPECT_EQ(*parse("zlib,none"), (std::vector<std::string>{"zlib", "none"}));
}

TEST(NameList, RejectsEmptyEntries) {
  for (std::string_view bad : {",", "a,", ",a", "a,,b", ",,"}) {
    auto r = parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.code(), make_error_code(errc::invalid_name_list)) << bad;
  }
}

TEST(NameList, RejectsControlSpaceAndNonAscii) {
  const std::string_view bads[] = {"a b", "a\tb", std::string_view("a\0b", 3), "caf\xc3\xa9", "x\x7f"};
  for (std::string_view bad : bads) {
    EXPECT_EQ(parse(bad).code(), make_error_code(errc::invalid_name_list)) << bad;
  }
}

TEST(NameList, AcceptsNamesWithAtSign) {
  EXPECT_EQ(*parse("curve25519-sha256@libssh.org,kex-strict-c-v00@openssh.com"),
            (std::vector<std::string>{"curve25519-sha256@libssh.org", "kex-strict-c-v00@openssh.com"}));
}

TEST(NameList, EnforcesNameLengthAndCount) {
  EXPECT_TRUE(parse(std::string(limits::max_name_length, 'a')));
  EXPECT_EQ(parse(std::string(limits::max_name_length + 1, 'a')).code(),
            make_error_code(errc::invalid_name_list));
  std::string many;
  for (std::size_t i = 0; i <= limits::max_name_list_entries; ++i) many += "a,";
  many.pop_back();
  EXPECT_EQ(parse(many).code(), make_error_code(errc::invalid_name_list));
}

TEST(NameList, WriterJoinsAndRoundTrips) {
  const std::vector<std::string> names{"aes128-ctr", "aes256-gcm@openssh.com"};
  bytes out;
  writer(out).write_name_list(names);
  reader r(out);
  std::vector<std::string> back;
  ASSERT_TRUE(r.read_name_list(back));
  EXPECT_EQ(back, names);
}

}  // namespace
}  // namespace sshlib::wire
