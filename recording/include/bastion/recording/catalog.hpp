// The recordings in a directory, summarised: who, where, when, how long, how much. Behind
// `bastion recordings list`.
#pragma once

#include <bastion/recording/reader.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bastion::recording {

/// One recording file whose header could be read.
struct catalog_entry {
  std::string file_name;  // "<session>.<channel>.cast" or ".streams"
  header_info header;
  double duration = 0;  // the last event's time (seconds)
  /// Data bytes by direction: input "i"; output "o" and (streams) "e".
  std::uint64_t input_bytes = 0, output_bytes = 0;
  bool truncated = false;         // a torn last line
  bool cut = false;               // (streams) a stream reached the limit
  std::optional<exit_info> exit;  // (streams) how the command ended, when recorded
  /// A problem after the header (the totals count the events before it).
  std::optional<read_error> error;
};

/// A *.cast or *.streams file that could not be listed at all, and why.
struct catalog_problem {
  std::string file_name;
  std::string what;
};

struct catalog {
  std::vector<catalog_entry> entries;     // by start time, then session and channel
  std::vector<catalog_problem> problems;  // by file name
};

/// Reads every regular *.cast and *.streams file in `dir` (not its subdirectories, not
/// through symlinks; other files are ignored). A file that cannot be read is a problem, not
/// a failure. Errors: the directory itself cannot be read (nullopt, with `error` set).
std::optional<catalog> list_recordings(const std::filesystem::path& dir, std::string& error);

/// The catalog as a table for a terminal, one line per entry after a heading:
///   RECORDING  USER  TARGET  LOGIN  KIND  START (UTC)  DURATION  IN  OUT  NOTES
/// RECORDING is "<session>.<channel>"; START "YYYY-MM-DD HH:MM:SS"; DURATION "H:MM:SS";
/// IN and OUT bytes; NOTES the exit ("exit 3", "signal TERM"), "cut", "torn" (a torn last
/// line), "damaged" (an error after the header). Control characters in the recorded names
/// are shown as '?', so a recording cannot drive the terminal that lists it.
std::string format_table(const catalog& c);

/// "H:MM:SS" of whole seconds (rounded down).
std::string format_duration(double seconds);
/// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string format_utc(std::int64_t unix_seconds);

/// Summarises one recording read from `r` (on which read_header succeeded) into `entry`.
void summarise(reader& r, catalog_entry& entry);

}  // namespace bastion::recording
