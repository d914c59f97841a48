// The public SFTP value types: open modes combine as a bitmask and status codes travel as
// error codes of their own category.
#include <sshlib/sftp_types.hpp>

#include <gtest/gtest.h>

namespace sshlib::sftp {
namespace {

TEST(SftpOpenMode, HasTheDraftsValuesAndCombines) {
  EXPECT_EQ(static_cast<std::uint32_t>(open_mode::read | open_mode::write | open_mode::append | open_mode::create |
                                       open_mode::truncate | open_mode::exclusive),
            0x3fu);
  const open_mode m = open_mode::write | open_mode::create;
  EXPECT_TRUE(has_flag(m, open_mode::create));
  EXPECT_TRUE(has_flag(m, open_mode::write | open_mode::create));
  EXPECT_FALSE(has_flag(m, open_mode::read));
  EXPECT_FALSE(has_flag(m, open_mode::create | open_mode::truncate));
}

TEST(SftpOpenMode, NodeFlagStringsMapLikeTheSeeds) {
  using enum open_mode;
  EXPECT_EQ(string_to_flags("r"), read);
  EXPECT_EQ(string_to_flags("r+"), read | write);
  EXPECT_EQ(string_to_flags("w"), truncate | create | write);
  EXPECT_EQ(string_to_flags("xw"), truncate | create | write | exclusive);
  EXPECT_EQ(string_to_flags("w+"), truncate | create | read | write);
  EXPECT_EQ(string_to_flags("a"), append | create | write);
  EXPECT_EQ(string_to_flags("xa+"), append | create | read | write | exclusive);
  EXPECT_EQ(string_to_flags("rw"), std::nullopt);
  EXPECT_EQ(string_to_flags(""), std::nullopt);
  // Each string's flags map back to the first spelling of that combination.
  for (const char* text : {"r", "r+", "w", "wx", "w+", "wx+", "a", "ax", "a+", "ax+"}) {
    EXPECT_EQ(flags_to_string(*string_to_flags(text)), std::string_view(text));
  }
  EXPECT_EQ(flags_to_string(*string_to_flags("xa")), "ax");
  EXPECT_EQ(flags_to_string(write), std::nullopt);
  EXPECT_EQ(flags_to_string(none), std::nullopt);
}

TEST(SftpStatusCode, TravelsAsAnErrorCode) {
  const boost::system::error_code eof = status_code::eof;
  EXPECT_EQ(eof.category().name(), std::string("sftp"));
  EXPECT_EQ(eof.value(), 1);
  EXPECT_EQ(eof.message(), "end of file");
  EXPECT_EQ(make_error_code(status_code::op_unsupported).message(), "operation unsupported");
  EXPECT_EQ(make_error_code(static_cast<status_code>(42)).message(), "SFTP status 42");
  // OK is success, so an operation can complete with make_error_code(status.code) directly.
  EXPECT_FALSE(make_error_code(status_code::ok));
  EXPECT_TRUE(make_error_code(status_code::failure));
}

}  // namespace
}  // namespace sshlib::sftp
