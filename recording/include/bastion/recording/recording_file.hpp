// One recording's file: created new (O_EXCL, no symlink followed, mode 0600), appended to
// through a memory buffer that is written out when it holds 64 KiB and whenever flush() is
// called (the daemon calls it every second), so a crash loses at most the last second.
// The first write error is kept: nothing more is written, and the owner decides (fail
// closed or open). Every line is written whole or, after a crash, torn only at the end.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace bastion::recording {

class recording_file {
 public:
  static constexpr std::size_t flush_threshold = 64 * 1024;

  /// Creates `path`. On failure the object is !is_open() and error() says why.
  explicit recording_file(const std::filesystem::path& path);
  ~recording_file();
  recording_file(const recording_file&) = delete;
  recording_file& operator=(const recording_file&) = delete;

  bool is_open() const noexcept { return fd_ >= 0; }
  /// Appends one line (a newline is added). Writes out when the buffer is over the threshold.
  void append_line(std::string_view line);
  /// Writes out everything buffered. Returns false after a write error (then and later).
  bool flush();
  /// Flushes, syncs the data to disk and closes. Returns false on any error.
  bool close();

  /// The first error (open, write or sync); empty while none.
  std::error_code error() const noexcept { return error_; }
  std::size_t bytes_written() const noexcept { return written_; }
  std::size_t pending() const noexcept { return buffer_.size(); }

 private:
  int fd_ = -1;
  std::string buffer_;
  std::size_t written_ = 0;
  std::error_code error_;
};

}  // namespace bastion::recording
