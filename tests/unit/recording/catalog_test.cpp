#include <bastion/recording/catalog.hpp>

#include "recording_test_support.hpp"
#include "samples.hpp"

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

namespace bastion::recording {
namespace {

TEST(CatalogTable, ShowsOneAlignedLinePerRecording) {
  catalog c;
  catalog_entry a;
  a.header.info.session = "20261202T104018Z-5f3a9c01";
  a.header.info.channel = 1;
  a.header.info.user = "alice";
  a.header.info.target = "web1";
  a.header.info.login = "root";
  a.header.info.kind = "shell";
  a.header.info.started_unix = 1796208018;
  a.duration = 3725.9;
  a.input_bytes = 12;
  a.output_bytes = 34567;
  catalog_entry b = a;
  b.header.info.channel = 2;
  b.header.info.kind = "exec";
  b.header.info.user = "bob\x1b[2J";  // cannot reach the terminal as it is
  b.duration = 0.5;
  b.input_bytes = 0;
  b.output_bytes = 5;
  b.cut = true;
  b.exit = exit_info{3, "", false};
  c.entries = {a, b};
  EXPECT_EQ(format_table(c),
            "RECORDING                    USER     TARGET  LOGIN  KIND   START (UTC)          "
            "DURATION  IN    OUT  NOTES\n"
            "20261202T104018Z-5f3a9c01.1  alice    web1    root   shell  2026-12-02 10:40:18  "
            "1:02:05   12  34567  -\n"
            "20261202T104018Z-5f3a9c01.2  bob?[2J  web1    root   exec   2026-12-02 10:40:18  "
            "0:00:00    0      5  exit 3,cut\n");
}

TEST(CatalogTable, FormatsDurationsAndUtcTimes) {
  EXPECT_EQ(format_duration(0), "0:00:00");
  EXPECT_EQ(format_duration(59.99), "0:00:59");
  EXPECT_EQ(format_duration(360000), "100:00:00");
  EXPECT_EQ(format_utc(0), "1970-01-01 00:00:00");
}

}  // namespace
}  // namespace bastion::recording
