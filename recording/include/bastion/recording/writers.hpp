// The writers of the two formats (docs/recording.md). Each owns its file and stamps events
// with the seconds since it was made. The caller (one worker thread) feeds what flows and
// calls flush() every second; failed() turns true at the first write error, after which
// nothing more is written.
#pragma once

#include <bastion/recording/format.hpp>
#include <bastion/recording/recording_file.hpp>
#include <bastion/recording/utf8_text.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace bastion::recording {

class writer_base {
 public:
  virtual ~writer_base() = default;
  writer_base(const writer_base&) = delete;
  writer_base& operator=(const writer_base&) = delete;

  /// Writes out what is buffered; false once a write has failed.
  bool flush() { return file_.flush(); }
  /// Ends the recording (what is held back is written) and closes the file.
  bool finish();
  bool failed() const noexcept { return static_cast<bool>(file_.error()); }
  std::error_code error() const noexcept { return file_.error(); }
  std::size_t bytes_written() const noexcept { return file_.bytes_written(); }

 protected:
  explicit writer_base(const std::filesystem::path& path);
  // "[t," with t the seconds since the start, to 6 decimals.
  std::string event_prefix() const;
  virtual void before_finish() {}

  recording_file file_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// asciicast v2 of a session with a pty.
class terminal_writer : public writer_base {
 public:
  /// Creates `dir`/file_name(info) and writes the header. Check opened().
  terminal_writer(const std::filesystem::path& dir, const session_info& info);
  bool opened() const noexcept { return file_.is_open(); }

  void output(std::span<const std::uint8_t> bytes);
  /// Only when info.input_recorded: otherwise input is dropped here.
  void input(std::span<const std::uint8_t> bytes);
  void resize(unsigned width, unsigned height);

 private:
  void text_event(char code, const std::string& text);
  void before_finish() override;

  bool record_input_;
  utf8_text out_text_, in_text_;
};

/// bastion-streams v1 of a session without a pty: byte-exact, each stream capped.
class streams_writer : public writer_base {
 public:
  enum class stream : std::uint8_t { in = 0, out = 1, err = 2 };

  streams_writer(const std::filesystem::path& dir, const session_info& info);
  bool opened() const noexcept { return file_.is_open(); }

  void data(stream s, std::span<const std::uint8_t> bytes);
  void exit_status(std::uint32_t status);
  void exit_signal(const std::string& name, bool core_dumped);

 private:
  bool record_input_;
  std::uint64_t limit_;
  std::array<std::uint64_t, 3> recorded_{};
  std::array<bool, 3> cut_{};
};

/// The header line of either format (exposed for tests and the readers' seeds).
std::string header_line(const session_info& info, format f);

}  // namespace bastion::recording
