// The two recording formats of docs/recording.md, as the writers make them and the readers
// take them: what a recording's header says, and the event codes.
//
//   terminal (a pty): asciicast v2, "<session>.<channel>.cast", text events "o" "i" "r";
//   streams (no pty): bastion-streams v1, "<session>.<channel>.streams", base64 events
//     "i" "o" "e", "cut" markers and an "exit" event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bastion::recording {

enum class format { terminal, streams };

inline constexpr std::string_view terminal_extension = ".cast";
inline constexpr std::string_view streams_extension = ".streams";
inline constexpr std::string_view terminal_format_name = "bastion-terminal";
inline constexpr std::string_view streams_format_name = "bastion-streams";

/// Who and what a recording is of; the header of either format carries all of it.
struct session_info {
  std::string session;   // the connection id (audit "conn"); made by the bastion
  unsigned channel = 0;  // the connection's recorded channels, from 1
  std::string user, target, login, source;
  std::string kind;                    // "shell", "exec" or "subsystem"
  std::optional<std::string> command;  // exec's command, or the subsystem's name
  std::int64_t started_unix = 0;       // seconds since the epoch
  bool input_recorded = true;
  // terminal only
  unsigned width = 80, height = 24;
  std::string term;
  // streams only
  std::uint64_t stream_limit = 0;
};

/// "<session>.<channel><extension>": only characters the bastion chose.
std::string file_name(const session_info& info, format f);

}  // namespace bastion::recording
