// Runs an external program (ssh-keygen, puttygen, openssl, ...) for interop tests: no
// shell, arguments passed as a vector, stdin fed from a string, stdout and stderr captured.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sshlib::test {

struct process_result {
  int exit_code = -1;  // -1 when the program could not be started or was killed
  std::string out;
  std::string err;
};

/// Variables set in a child's environment on top of (or replacing) the test's own.
using environment = std::vector<std::pair<std::string, std::string>>;

/// Runs argv[0] (looked up in PATH) and waits for it. Never throws for a failing program;
/// throws std::runtime_error if pipes or fork fail.
process_result run_process(const std::vector<std::string>& argv, const std::string& stdin_data = {});
process_result run_process(const std::vector<std::string>& argv, const std::string& stdin_data,
                           const environment& env);

/// A daemon under test (`ssh-agent -D`, `sshd -D`, ...) running in the background: started
/// by the constructor (stdin from /dev/null, stdout and stderr appended to `log`, or
/// discarded when it is empty), stopped with SIGTERM and reaped by stop() or the destructor.
/// Waiting for it to be ready (its socket or port accepting) is the test's business.
class background_process {
public:
  explicit background_process(const std::vector<std::string>& argv, const environment& env = {},
                              const std::filesystem::path& log = {});
  ~background_process();
  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  int pid() const noexcept { return pid_; }
  /// False once the program has exited (it is reaped then).
  bool running();
  /// SIGTERM, then waits. Returns the exit code, or -1 when killed by a signal or already
  /// reaped.
  int stop();

private:
  int pid_ = -1;
  int status_ = -1;
};

/// True when `program` is found in PATH.
bool program_available(const std::string& program);

}  // namespace sshlib::test
