// A session's trail in the daemon's audit log (JSON Lines, each with "ts", "event" and, for
// a connection's events, "conn": proxy/src/event_log.hpp): `bastion recordings show`, and
// the end of a recorded channel for `follow`.
#pragma once

#include <bastion/recording/reader.hpp>

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::recording {

/// Longest audit log line read (bytes); longer lines are skipped and counted.
inline constexpr std::size_t max_audit_line_bytes = 1024 * 1024;

struct audit_line {
  std::string text;      // as written
  nlohmann::json event;  // parsed: an object
};

struct audit_trail {
  std::vector<audit_line> lines;
  /// Lines that are not JSON objects or too long (skipped, with their line numbers).
  std::vector<read_error> problems;
};

/// The lines of the audit log `in` whose "conn" is `session`, in order.
audit_trail session_audit_trail(std::istream& in, std::string_view session);

/// One readable line: "<ts> <event> key=value ..." with the other fields by name ("conn"
/// left out: the caller asked for it). Strings are bare when they are plain words, JSON
/// quoted otherwise (so spaces, quotes and control characters stay unambiguous); other
/// values are JSON.
std::string format_audit_event(const nlohmann::json& event);

/// Whether the audit line `line` is the "channel_close" of the recording `file_name` (its
/// "recording" field).
bool closes_recording(std::string_view line, std::string_view file_name);

}  // namespace bastion::recording
