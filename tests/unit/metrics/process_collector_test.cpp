// The process collector on this very process, and on crafted /proc trees.
#include <bastion/metrics/process_collector.hpp>

#include "test_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>

namespace bastion::metrics {
namespace {

std::map<std::string, double> values(const collector& c) {
  std::map<std::string, double> out;
  for (const auto& f : c()) {
    EXPECT_EQ(f.series.size(), 1u) << f.name;
    if (!f.series.empty()) out[f.name] = f.series[0].value;
  }
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(ProcessCollector, ReportsPlausibleValuesForThisProcess) {
  const auto v = values(process_collector());
  ASSERT_EQ(v.size(), 6u);
  EXPECT_GE(v.at("process_cpu_seconds_total"), 0);
  EXPECT_GT(v.at("process_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(v.at("process_virtual_memory_bytes"), v.at("process_resident_memory_bytes"));
  EXPECT_GE(v.at("process_open_fds"), 3);  // stdin, stdout, stderr at least
  EXPECT_GE(v.at("process_max_fds"), v.at("process_open_fds"));
  // This test process started moments ago; boot time and ticks are whole seconds and 1/100 s.
  EXPECT_LE(v.at("process_start_time_seconds"), unix_now() + 2);
  EXPECT_GE(v.at("process_start_time_seconds"), unix_now() - 600);
}

TEST(ProcessCollector, OpenFdsFollowsOpenAndClose) {
  const auto c = process_collector();
  const auto before = values(c).at("process_open_fds");
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(values(c).at("process_open_fds"), before + 1);
  ::close(fd);
  EXPECT_EQ(values(c).at("process_open_fds"), before);
}

TEST(ProcessCollector, CpuTimeGrowsWithWork) {
  const auto c = process_collector();
  const auto before = values(c).at("process_cpu_seconds_total");
  // Burn CPU until the kernel's tick accounting (1/100 s) moves, bounded by a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  volatile std::uint64_t sink = 0;
  double after = before;
  while (after <= before && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 1'000'000; ++i) sink = sink + static_cast<std::uint64_t>(i);
    after = values(c).at("process_cpu_seconds_total");
  }
  EXPECT_GT(after, before);
}

TEST(ProcessCollector, MissingProcGivesNothing) {
  EXPECT_TRUE(process_collector("/nonexistent/proc")().empty());
}

TEST(ProcessCollector, GarbageFilesAreLeftOut) {
  test::temp_dir dir;
  dir.write("self/stat", "garbage (with no) fields\n");
  dir.write("self/limits", "Max open files   lots   lots  files\n");
  dir.write("stat", "btime soon\n");
  std::filesystem::create_directories(dir.path() / "self/fd");
  dir.write("self/fd/0", "");
  dir.write("self/fd/1", "");
  const auto v = values(process_collector(dir.path().string()));
  // Only the fd count survives: two entries in the crafted fd directory.
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v.at("process_open_fds"), 2);
}

TEST(ProcessCollector, OversizedFileIsLeftOut) {
  test::temp_dir dir;
  dir.write("self/limits", std::string(100 * 1024, ' ') + "\nMax open files  10  10  files\n");
  EXPECT_TRUE(values(process_collector(dir.path().string())).empty());
}

TEST(ProcessCollector, CraftedTreeGivesExactValues) {
  test::temp_dir dir;
  dir.write("self/stat",
            "7 (x) S 1 7 7 0 -1 0 0 0 0 0 300 100 0 0 20 0 1 0 500 8192 2 0 0 0 0 0 0 0 0 0 0 0 0 "
            "17 0\n");
  dir.write("stat", "btime 1000\n");
  dir.write("self/limits", "Max open files  64  128  files\n");
  const auto hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const auto v = values(process_collector(dir.path().string()));
  EXPECT_EQ(v.at("process_cpu_seconds_total"), 400 / hz);
  EXPECT_EQ(v.at("process_resident_memory_bytes"), 2 * page);
  EXPECT_EQ(v.at("process_virtual_memory_bytes"), 8192);
  EXPECT_EQ(v.at("process_start_time_seconds"), 1000 + 500 / hz);
  EXPECT_EQ(v.at("process_max_fds"), 64);
  EXPECT_FALSE(v.contains("process_open_fds"));  // no fd directory
}

}  // namespace
}  // namespace bastion::metrics
