// A program under test run as a child with every wait bounded: stdin fed from a string,
// stdout and stderr collected apart, the output awaited for a given text (a server's "listening
// on" line), and the child killed when a deadline passes. For example programs and daemons
// whose output the test reads while they run; run_process (process.hpp) has no deadline.
#pragma once

#include "support/process.hpp"

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib::test {

struct child_result {
  int exit_code = -1;   // -1 when killed by a signal (or on timeout)
  int term_signal = 0;  // the signal that ended it, 0 if it exited
  bool timed_out = false;
  std::string out;
  std::string err;
};

class child_process {
 public:
  using duration = std::chrono::steady_clock::duration;

  /// Starts argv[0] (looked up in PATH) in its own session, with `input` written to its
  /// stdin (then closed). Throws std::runtime_error if pipes or fork fail.
  explicit child_process(const std::vector<std::string>& argv, std::string input = {},
                         const environment& env = {});
  /// Kills (SIGKILL) and reaps the child if it is still running.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Collects output until stdout contains `text` (true), or the child closes its output or
  /// `timeout` passes (false).
  bool wait_for_output(std::string_view text, duration timeout);
  /// Collects output until the child closes it and exits; kills it after `timeout`.
  child_result wait(duration timeout);
  /// Sends `signal`, then as wait().
  child_result stop(int signal, duration timeout);

  const std::string& out() const noexcept { return result_.out; }
  const std::string& err() const noexcept { return result_.err; }
  pid_t pid() const noexcept { return pid_; }

 private:
  /// One round of poll: feeds stdin, appends output. False once nothing is left to poll.
  bool pump(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string input_;
  std::size_t written_ = 0;
  child_result result_;
};

/// Runs argv to its end with stdin from `input`; kills it after `timeout`.
child_result run_child(const std::vector<std::string>& argv, const std::string& input,
                       std::chrono::steady_clock::duration timeout, const environment& env = {});

}  // namespace sshlib::test
