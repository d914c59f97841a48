// Following a recording as it is written (`bastion recordings follow`): the bytes appended
// to the file become events, and the follower decides when the recording is finished. The
// file watching itself (inotify) is the tool's; this part is pure.
#pragma once

#include <bastion/recording/lines.hpp>
#include <bastion/recording/reader.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace bastion::recording {

/// Parses a recording from the bytes appended to it, in whatever pieces they come: the
/// header first, then events. A line is parsed only once its newline has arrived (the
/// writer may be in the middle of it).
class tail_parser {
 public:
  explicit tail_parser(std::size_t max_line = max_line_bytes)
      : max_line_(max_line), lines_(max_line) {}

  /// The events the new bytes complete. After an error (error() set) it returns nothing.
  std::vector<event> feed(std::string_view bytes);

  const std::optional<header_info>& header() const noexcept { return header_; }
  const std::optional<read_error>& error() const noexcept { return error_; }
  /// A streams recording's "exit" event has been seen.
  bool exited() const noexcept { return exited_; }

 private:
  std::size_t max_line_;
  line_splitter lines_;
  std::uint64_t line_ = 0;
  std::optional<header_info> header_;
  double last_time_ = 0;
  std::optional<read_error> error_;
  bool exited_ = false;
};

/// What a follower knows when it asks whether to stop.
struct follow_status {
  bool exited = false;        // the streams "exit" event was seen
  bool audit_closed = false;  // the audit log has the channel's "channel_close"
  double seconds_quiet = 0;   // since the file last grew
};

/// A follower stops on an exit event, on the audit log's channel_close, or when the file
/// has been quiet for `quiet_exit` seconds (when given).
bool follow_finished(const follow_status& s, std::optional<double> quiet_exit);

/// Seconds a follower may wait for the file before asking follow_finished again (nullopt:
/// until the next change, there being no quiet limit).
std::optional<double> follow_wait(const follow_status& s, std::optional<double> quiet_exit);

}  // namespace bastion::recording
