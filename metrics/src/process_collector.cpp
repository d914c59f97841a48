// The process collector: /proc read at scrape time, parsed by proc_parse.cpp.
#include <bastion/metrics/proc_parse.hpp>
#include <bastion/metrics/process_collector.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

namespace bastion::metrics {
namespace {

// /proc files report size 0, so they are read until EOF; this caps a file that is not
// what we expect (a test's crafted one, or a /proc mounted oddly).
constexpr std::size_t max_proc_file_bytes = std::size_t{64} * 1024;

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(max_proc_file_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (in.bad() || n > max_proc_file_bytes) return std::nullopt;
  text.resize(n);
  return text;
}

std::optional<double> count_open_fds(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return std::nullopt;
  double n = 0;
  for (; it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    if (ec) return std::nullopt;
    ++n;
  }
  return n;
}

family_snapshot one_value(std::string name, std::string help, metric_kind kind, double value) {
  return family_snapshot{std::move(name), std::move(help), kind, {}, {{{}, value, {}, 0}}};
}

std::vector<family_snapshot> collect(const std::string& root) {
  std::vector<family_snapshot> out;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  const auto stat_text = read_small_file(root + "/self/stat");
  const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
  if (stat && ticks > 0 && page > 0) {
    const auto hz = static_cast<double>(ticks);
    out.push_back(one_value(
        "process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
        metric_kind::counter,
        (static_cast<double>(stat->utime_ticks) + static_cast<double>(stat->stime_ticks)) / hz));
    out.push_back(one_value("process_resident_memory_bytes", "Resident memory size in bytes.",
                            metric_kind::gauge,
                            static_cast<double>(stat->rss_pages) * static_cast<double>(page)));
    out.push_back(one_value("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                            metric_kind::gauge, static_cast<double>(stat->vsize_bytes)));
    const auto boot_text = read_small_file(root + "/stat");
    if (const auto boot = boot_text ? parse_boot_time(*boot_text) : std::nullopt) {
      out.push_back(one_value(
          "process_start_time_seconds",
          "Start time of the process since the Unix epoch, in seconds.", metric_kind::gauge,
          static_cast<double>(*boot) + static_cast<double>(stat->start_time_ticks) / hz));
    }
  }
  if (const auto fds = count_open_fds(root + "/self/fd")) {
    out.push_back(one_value("process_open_fds", "Number of open file descriptors.",
                            metric_kind::gauge, *fds));
  }
  const auto limits_text = read_small_file(root + "/self/limits");
  if (const auto max = limits_text ? parse_max_open_files(*limits_text) : std::nullopt) {
    out.push_back(one_value("process_max_fds", "Maximum number of open file descriptors.",
                            metric_kind::gauge, static_cast<double>(*max)));
  }
  return out;
}

}  // namespace

collector process_collector(std::string proc_root) {
  return [root = std::move(proc_root)] { return collect(root); };
}

}  // namespace bastion::metrics
