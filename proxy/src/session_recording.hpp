// The recording of one terminating-mode session channel (docs/recording.md): asciicast v2
// when the session has a pty, bastion-streams otherwise. The session bridge feeds it what
// flows each way and flushes it every second on its worker; a write error is reported to
// the bridge, which ends the session or goes on unrecorded as recording.on_error says.
#pragma once

#include "config.hpp"

#include <bastion/policy/authorization.hpp>
#include <bastion/recording/writers.hpp>

#include <sshlib/channel.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace bastion {

class inbound_connection;

class session_recording {
 public:
  /// What a recording is opened for: the session's kind and command, and its pty if any.
  struct request {
    std::string kind;                    // "shell", "exec" or "subsystem"
    std::optional<std::string> command;  // exec: the command; subsystem: its name
    std::optional<sshlib::pty_settings> pty;
  };

  /// Creates the file in the configured directory. On failure returns null and sets `error`.
  static std::unique_ptr<session_recording> open(inbound_connection& conn, const policy::grant& g,
                                                 const request& r, std::string& error);

  void input(std::span<const std::uint8_t> bytes);
  void output(std::span<const std::uint8_t> bytes);
  void error_output(std::span<const std::uint8_t> bytes);
  void resize(std::uint32_t cols, std::uint32_t rows);
  void exit(const sshlib::exit_info& e);

  /// Writes out what is buffered; false once writing has failed.
  bool flush();
  /// Closes the file (synced to disk); false if anything failed.
  bool finish();
  bool failed() const noexcept;
  /// What went wrong, for the user and the log ("No space left on device").
  std::string error_text() const;
  const std::string& file_name() const noexcept { return file_name_; }
  std::size_t bytes_written() const noexcept;

 private:
  std::string file_name_;
  std::unique_ptr<recording::terminal_writer> terminal_;
  std::unique_ptr<recording::streams_writer> streams_;
};

/// A pty-req's settings from its wire data (the menu keeps requests as bytes).
std::optional<sshlib::pty_settings> parse_pty_request(const sshlib::bytes& data);

/// Makes `dir` (mode 0700) if it does not exist; an error message when it cannot be used.
std::string prepare_recording_directory(const std::filesystem::path& dir);

}  // namespace bastion
