// Bounded line splitting for the readers: from a stream (a whole file) or from bytes as a
// file grows (the followers). Neither holds more than one line of the cap's size.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::recording {

enum class line_status {
  complete,  // a line and its newline
  torn,      // the last bytes of the stream, without a newline
  too_long,  // more than the cap before a newline; the stream is left inside that line
  end,       // nothing left
};

/// Reads one line of `in` into `line` (without the newline), never more than `max` bytes.
line_status read_line(std::istream& in, std::string& line, std::size_t max);

/// A line from line_splitter: its text, or (overlong) only the fact that it was longer than
/// the cap, its bytes dropped.
struct split_line {
  std::string text;
  bool overlong = false;
};

/// Splits bytes fed as they arrive into complete lines, holding at most `max` bytes of
/// the line in progress.
class line_splitter {
 public:
  explicit line_splitter(std::size_t max) : max_(max) {}

  /// Appends `bytes`; returns the lines they complete, in order, without their newlines.
  std::vector<split_line> feed(std::string_view bytes);
  /// The bytes after the last newline (a line still being written).
  const std::string& pending() const noexcept { return partial_; }

 private:
  std::size_t max_;
  std::string partial_;
  bool overlong_ = false;  // the line in progress is over the cap: its bytes are dropped
};

}  // namespace bastion::recording
