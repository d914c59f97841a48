#include <bastion/recording/lines.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace bastion::recording {
namespace {

TEST(ReadLine, TellsCompleteTornOverlongAndEnd) {
  std::istringstream in("ab\ncdefgh\nij");
  std::string line;
  EXPECT_EQ(read_line(in, line, 4), line_status::complete);
  EXPECT_EQ(line, "ab");
  EXPECT_EQ(read_line(in, line, 4), line_status::too_long);
  EXPECT_EQ(line, "cdef");
  EXPECT_EQ(read_line(in, line, 4), line_status::complete);  // the rest of that line
  EXPECT_EQ(line, "gh");
  EXPECT_EQ(read_line(in, line, 4), line_status::torn);
  EXPECT_EQ(line, "ij");
  EXPECT_EQ(read_line(in, line, 4), line_status::end);
}

TEST(LineSplitter, JoinsPiecesAndDropsOverlongLinesWhole) {
  line_splitter s(4);
  EXPECT_TRUE(s.feed("ab").empty());
  EXPECT_EQ(s.pending(), "ab");
  auto lines = s.feed("c\nabcdef");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text, "abc");
  EXPECT_TRUE(s.pending().empty());  // over the cap: not held
  lines = s.feed("gh\n\nxyzw\n");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].overlong);
  EXPECT_EQ(lines[1].text, "");
  EXPECT_FALSE(lines[1].overlong);
  EXPECT_EQ(lines[2].text, "xyzw");  // exactly the cap
  EXPECT_FALSE(lines[2].overlong);
}

}  // namespace
}  // namespace bastion::recording
