// Replaying a recording (`bastion recordings play`, `follow`) and extracting one stream
// (`cat`). The waiting is a callback, so the timing is tested without a clock.
#pragma once

#include <bastion/recording/reader.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace bastion::recording {

struct play_options {
  double speed = 1.0;                // recorded time divided by this; 0: no waiting
  std::optional<double> idle_limit;  // longest wait between two events (recorded seconds)
};

/// Seconds to wait between an event at `previous` and the next at `time`: the gap, capped
/// by the idle limit, divided by the speed; 0 at speed 0; never more than max_event_seconds.
double play_delay(double previous, double time, const play_options& options);

/// Writes what a viewer saw of `e`: a terminal's "o" text, or a streams recording's "o"
/// bytes to `out` and its "e" bytes to `err`. Other events write nothing. True when it wrote.
bool write_output(const event& e, format f, std::ostream& out, std::ostream& err);

/// Replays the events of `r` (its header already read): before each event that writes,
/// calls `wait` with the seconds play_delay gives, then writes and flushes it. Returns the
/// reader's error, if it stopped on one.
std::optional<read_error> play(reader& r, std::ostream& out, std::ostream& err,
                               const play_options& options,
                               const std::function<void(double seconds)>& wait);

/// Whether a recording of format `f` has stream `code`: "o" and "i" for both, "e" for
/// streams only (a terminal's stderr is part of its output).
bool has_stream(format f, std::string_view code);

struct cat_result {
  bool cut = false;  // (streams) the stream reached the recording's limit
  std::optional<read_error> error;
};

/// Writes the data of every `code` event of `r` (its header already read) to `out`, as
/// recorded: the bytes of a streams recording, the text of a terminal one.
cat_result cat_stream(reader& r, std::string_view code, std::ostream& out);

}  // namespace bastion::recording
