// Reading a recording of either format (docs/recording.md): the header line, then one event
// per line. Strict and bounded: every line is checked against the format and a named size
// cap, and anything wrong is reported with its line number; nothing throws. A torn last line
// (the writer was killed mid-line) is not an error: the reading ends there, `truncated`.
//
// The parsing is split from the I/O: parse_header and parse_event take one line and are
// what the followers (which get bytes as a file grows) and the fuzzer call directly.
#pragma once

#include <bastion/recording/format.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bastion::recording {

/// Longest line accepted, without its newline (bytes). The writers flush at 64 KiB, so one
/// event line is far below this; a longer line is damage, not data.
inline constexpr std::size_t max_line_bytes = 4 * 1024 * 1024;
/// Largest event time accepted (seconds from the start: ten years). Keeps the players'
/// waits within what a clock duration can hold.
inline constexpr double max_event_seconds = 10.0 * 366 * 24 * 3600;
/// Largest terminal size accepted in a header or an "r" event (columns or rows).
inline constexpr unsigned max_terminal_dimension = 65535;

/// How a streams command ended: an exit status, or a signal.
struct exit_info {
  std::optional<std::uint32_t> status;
  std::string signal;  // "TERM", ...; empty when `status` is set
  bool core_dumped = false;
};

/// One event line.
///   terminal: "o" / "i" the UTF-8 text, "r" "COLSxROWS", "m" a marker's label;
///   streams:  "i" / "o" / "e" the decoded bytes, "cut" the stream's code, "exit" `exit`.
struct event {
  double time = 0;  // seconds since the recording's start
  std::string code;
  std::string data;
  std::optional<exit_info> exit;  // "exit" only
};

/// What the header line says.
struct header_info {
  format fmt = format::terminal;
  session_info info;
};

/// A problem with a recording: the line it is on (from 1; 0 when it is about the file as a
/// whole, such as opening it) and what is wrong.
struct read_error {
  std::uint64_t line = 0;
  std::string what;
};

/// "line 3: <what>" (or just <what> for line 0).
std::string describe(const read_error& e);

/// Either a value or the error that prevented it.
template <class T>
struct parse_result {
  std::optional<T> value;
  read_error error;  // meaningful only without a value
  explicit operator bool() const noexcept { return value.has_value(); }
};

/// Parses a header line (without its newline): the format it is in and the session it
/// describes. Errors name the missing or ill-typed field, or the unsupported version.
parse_result<header_info> parse_header(std::string_view line, std::uint64_t line_number = 1);

/// Parses an event line of format `f`. `previous_time` is the time of the event before (0
/// for the first): times never go backwards. Errors say what is wrong with the event.
parse_result<event> parse_event(std::string_view line, format f, std::uint64_t line_number,
                                double previous_time);

/// Reads a recording from a stream or a file, one event at a time, in constant memory
/// (one line at most). Call read_header first, then next until it returns nullopt.
class reader {
 public:
  /// Reads from `in`, which must outlive the reader.
  explicit reader(std::istream& in, std::size_t max_line = max_line_bytes);
  /// Opens `path`; a failure to open is reported by read_header.
  explicit reader(const std::filesystem::path& path, std::size_t max_line = max_line_bytes);
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  /// Reads and checks the first line. False on any problem (see error()), an empty file
  /// and a torn header included.
  bool read_header();
  /// The header read by read_header; only after it returned true.
  const header_info& header() const noexcept { return *header_; }

  /// The next event; nullopt at the end of the recording, after a torn last line
  /// (truncated() is then true) or on an error (error() is then set; reading stops).
  std::optional<event> next();

  const std::optional<read_error>& error() const noexcept { return error_; }
  bool truncated() const noexcept { return truncated_; }
  /// The number of the last line read (1: the header).
  std::uint64_t line_number() const noexcept { return line_; }

 private:
  void fail(std::string what);

  std::unique_ptr<std::ifstream> owned_;  // when opened from a path
  std::istream* in_;
  std::size_t max_line_;
  std::string line_text_;
  std::uint64_t line_ = 0;
  std::optional<header_info> header_;
  double last_time_ = 0;
  std::optional<read_error> error_;
  bool truncated_ = false;
  bool done_ = false;
};

}  // namespace bastion::recording
