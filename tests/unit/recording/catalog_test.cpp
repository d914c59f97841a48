#include <bastion/recording/catalog.hpp>

#include "samples.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace bastion::recording {
namespace {

std::string with_session(std::string text, const std::string& session, int timestamp) {
  const std::string old_session = "20261202T104018Z-5f3a9c01";
  text.replace(text.find(old_session), old_session.size(), session);
  const auto ts = text.find("\"timestamp\": ") + 13;
  text.replace(ts, 10, std::to_string(timestamp));
  return text;
}

TEST(Catalog, ListsRecordingsByStartTimeWithTheirTotals) {
  testing::temp_dir dir;
  dir.write("b.1.cast", with_session(samples::terminal_recording, "b", 2000000000));
  dir.write("a.2.streams", with_session(samples::streams_recording, "a", 1000000000));
  dir.write("notes.txt", "not a recording");
  std::string error;
  const auto c = list_recordings(dir.path(), error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->problems.empty());
  ASSERT_EQ(c->entries.size(), 2u);

  const auto& streams = c->entries[0];
  EXPECT_EQ(streams.file_name, "a.2.streams");
  EXPECT_EQ(streams.header.fmt, format::streams);
  EXPECT_EQ(streams.header.info.session, "a");
  EXPECT_EQ(streams.header.info.started_unix, 1000000000);
  EXPECT_EQ(streams.duration, 0.5);
  EXPECT_EQ(streams.input_bytes, 0u);
  EXPECT_EQ(streams.output_bytes, 3u + 5u + 2u);  // "foo", "oops\n", 00 ff
  EXPECT_TRUE(streams.cut);
  ASSERT_TRUE(streams.exit);
  EXPECT_EQ(streams.exit->status, 3u);
  EXPECT_FALSE(streams.error);

  const auto& terminal = c->entries[1];
  EXPECT_EQ(terminal.file_name, "b.1.cast");
  EXPECT_EQ(terminal.duration, 2.0);
  EXPECT_EQ(terminal.input_bytes, 3u);         // "ls\r"
  EXPECT_EQ(terminal.output_bytes, 2u + 14u);  // "$ ", "ls\r\nfile\xc3\xa9\r\n$ "
  EXPECT_FALSE(terminal.truncated);
}

TEST(Catalog, ReportsUnreadableFilesWithoutFailing) {
  testing::temp_dir dir;
  dir.write("ok.1.cast", samples::terminal_recording);
  dir.write("empty.1.streams", "");
  dir.write("junk.1.cast", "junk\n");
  // A header and a damaged event: listed, with the error and the totals before it.
  dir.write("bad.1.streams",
            samples::streams_header + "\n[1, \"o\", \"Zm9v\"]\n[0.5, \"o\", \"Zm9v\"]\n");
  std::string error;
  const auto c = list_recordings(dir.path(), error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->problems.size(), 2u);
  EXPECT_EQ(c->problems[0].file_name, "empty.1.streams");
  EXPECT_EQ(c->problems[1].file_name, "junk.1.cast");
  EXPECT_EQ(c->problems[1].what, "line 1: header: not JSON");
  ASSERT_EQ(c->entries.size(), 2u);
  const auto& bad = c->entries[0].file_name == "bad.1.streams" ? c->entries[0] : c->entries[1];
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(describe(*bad.error), "line 3: event: time goes backwards (0.500000 after 1.000000)");
  EXPECT_EQ(bad.output_bytes, 3u);
}

TEST(Catalog, SkipsSymlinksFifosAndDirectories) {
  testing::temp_dir dir;
  const auto real = dir.write("real.1.cast", samples::terminal_recording);
  std::filesystem::create_symlink(real, dir.path() / "link.1.cast");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.1.streams").c_str(), 0600), 0);
  std::filesystem::create_directory(dir.path() / "dir.1.cast");
  std::string error;
  const auto c = list_recordings(dir.path(), error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->entries.size(), 1u);
  EXPECT_EQ(c->entries[0].file_name, "real.1.cast");
  EXPECT_TRUE(c->problems.empty());
}

TEST(Catalog, AMissingDirectoryIsAnError) {
  std::string error;
  EXPECT_FALSE(list_recordings("/nonexistent/recordings", error));
  EXPECT_EQ(error, "/nonexistent/recordings: No such file or directory");
}

}  // namespace
}  // namespace bastion::recording
