// The /proc parsers on real-looking and hostile text.
#include <bastion/metrics/proc_parse.hpp>

#include <gtest/gtest.h>

namespace bastion::metrics {
namespace {

// A /proc/<pid>/stat line (proc(5)) with utime 150, stime 50, starttime 12345,
// vsize 104857600, rss 2560 pages, and a command name holding spaces and parentheses.
constexpr std::string_view stat_line =
    "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 0 0 20 0 3 0 12345 "
    "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcParse, ReadsStatFieldsAfterTheCommandName) {
  const auto s = parse_proc_stat(stat_line);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->utime_ticks, 150u);
  EXPECT_EQ(s->stime_ticks, 50u);
  EXPECT_EQ(s->start_time_ticks, 12345u);
  EXPECT_EQ(s->vsize_bytes, 104857600u);
  EXPECT_EQ(s->rss_pages, 2560u);
}

TEST(ProcParse, RejectsMalformedStat) {
  for (const std::string_view bad : {
           std::string_view(""),
           std::string_view("4242 my prog S 1 2 3"),                    // no parentheses
           std::string_view("4242 (prog) S 1 4242 4242 0 -1 4194560"),  // too short
           std::string_view(
               ") 4242 (prog S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 0 0 20 0 3 0 12345 1 2"),
           std::string_view(
               "4242 (prog) S 1 4242 4242 0 -1 4194560 1000 0 0 0 x 50 0 0 20 0 3 0 12345 1 2"),
           std::string_view(
               "4242 (prog) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 0 0 20 0 3 0 12345 1 -2"),
           std::string_view("4242 (prog) S 1 4242 4242 0 -1 4194560 1000 0 0 0 "
                            "99999999999999999999999 50 0 0 20 0 3 0 12345 1 2"),
       }) {
    EXPECT_FALSE(parse_proc_stat(bad)) << bad;
  }
}

TEST(ProcParse, MaxOpenFilesIsTheSoftLimit) {
  constexpr std::string_view limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max open files            1024                 524288               files     \n"
      "Max locked memory         8388608              8388608              bytes     \n";
  EXPECT_EQ(parse_max_open_files(limits), 1024u);
  EXPECT_FALSE(
      parse_max_open_files("Max open files            unlimited            unlimited  files\n"));
  EXPECT_FALSE(parse_max_open_files("Max open files\n"));
  EXPECT_FALSE(parse_max_open_files("Max cpu time              unlimited            unlimited\n"));
  EXPECT_FALSE(parse_max_open_files(""));
}

TEST(ProcParse, BootTime) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1764659000\nprocesses 7\n"), 1764659000u);
  EXPECT_EQ(parse_boot_time("btime 17"), 17u);  // no final newline
  EXPECT_FALSE(parse_boot_time("cpu  1 2 3\n"));
  EXPECT_FALSE(parse_boot_time("btime\n"));
  EXPECT_FALSE(parse_boot_time("btime -1\n"));
  EXPECT_FALSE(parse_boot_time("btime 12 13\n"));
  EXPECT_FALSE(parse_boot_time("btimex 12\n"));
}

}  // namespace
}  // namespace bastion::metrics
