// Parsers for the Linux /proc files the process collector reads. Pure functions over text
// so that they can be fuzzed (tests/fuzz/proc_stat_fuzz.cpp): content that does not parse
// gives nullopt, and the collector then leaves the metric out.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bastion::metrics {

/// The fields of /proc/<pid>/stat the process collector uses (proc(5)).
struct proc_stat {
  std::uint64_t utime_ticks = 0;       // field 14, user CPU time in clock ticks
  std::uint64_t stime_ticks = 0;       // field 15, system CPU time in clock ticks
  std::uint64_t start_time_ticks = 0;  // field 22, start time after boot in clock ticks
  std::uint64_t vsize_bytes = 0;       // field 23, virtual memory size
  std::uint64_t rss_pages = 0;         // field 24, resident set size in pages (may be negative
                                       // in theory; a negative value does not parse)
};

/// Parses the one line of /proc/<pid>/stat. The command name (field 2) may hold spaces and
/// parentheses, so fields are counted after its last ')'.
std::optional<proc_stat> parse_proc_stat(std::string_view text);

/// The soft limit of "Max open files" in /proc/<pid>/limits; nullopt when the line is
/// missing, malformed or "unlimited".
std::optional<std::uint64_t> parse_max_open_files(std::string_view text);

/// The boot time ("btime", seconds since the epoch) from /proc/stat.
std::optional<std::uint64_t> parse_boot_time(std::string_view text);

}  // namespace bastion::metrics
