// The daemon's log: one JSON object per line (JSON Lines), each with "ts" (UTC, RFC 3339
// with milliseconds) and "event", written whole under a lock so lines from different
// workers never interleave. Events are decisions and steps (a connection, an
// authentication, a channel, a denial with its reason), not the data path.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace bastion {

class event_log {
 public:
  /// "-" writes to stderr; otherwise the file is opened for appending (created 0600), and
  /// with `also_stderr` each line goes to stderr as well. Throws std::system_error when the
  /// file cannot be opened.
  explicit event_log(const std::string& file, bool debug = false, bool also_stderr = false);
  ~event_log();
  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  /// Writes {"ts": ..., "event": name, ...fields}. `fields` must be an object (or null).
  void write(std::string_view name, nlohmann::json fields = nlohmann::json::object());
  /// As write, only when debug logging is on.
  void debug(std::string_view name, nlohmann::json fields = nlohmann::json::object());
  bool debug_enabled() const noexcept { return debug_; }

  /// Reopens the file (after log rotation moved it); no-op for stderr.
  void reopen();
  /// Lines that could not be written whole to the file (a full disk, an I/O error). The first
  /// failure of a run of them is also said on stderr.
  std::uint64_t write_errors() const;

 private:
  std::string file_;
  bool debug_;
  bool also_stderr_;
  mutable std::mutex mutex_;
  std::FILE* out_ = nullptr;
  std::uint64_t write_errors_ = 0;
  bool failing_ = false;  // the last write failed: said once on stderr
};

}  // namespace bastion
