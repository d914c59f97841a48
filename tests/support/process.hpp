// Runs an external program (ssh-keygen, puttygen, openssl, ...) for interop tests: no
// shell, arguments passed as a vector, stdin fed from a string, stdout and stderr captured.
#pragma once

#include <string>
#include <vector>

namespace sshlib::test {

struct process_result {
  int exit_code = -1;  // -1 when the program could not be started or was killed
  std::string out;
  std::string err;
};

/// Runs argv[0] (looked up in PATH) and waits for it. Never throws for a failing program;
/// throws std::runtime_error if pipes or fork fail.
process_result run_process(const std::vector<std::string>& argv, const std::string& stdin_data = {});

/// True when `program` is found in PATH.
bool program_available(const std::string& program);

}  // namespace sshlib::test
