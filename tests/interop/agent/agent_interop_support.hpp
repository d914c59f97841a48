// Helpers shared by the agent interop tests: keys made by ssh-keygen, OpenSSH's tools run
// against a given agent socket, and a real `ssh-agent -D` started for one test.
#pragma once

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/unix_socket.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sshlib::test {

/// Runs an OpenSSH tool with SSH_AUTH_SOCK pointing at `socket`.
inline process_result run_with_agent(const std::filesystem::path& socket, const std::vector<std::string>& argv,
                                     environment extra = {}) {
  extra.emplace_back("SSH_AUTH_SOCK", socket.string());
  return run_process(argv, {}, extra);
}

/// `ssh-keygen -t type -C comment -f path`, unencrypted; returns the parsed private key.
inline key keygen_file(const std::filesystem::path& path, const std::string& type, const std::string& comment) {
  std::vector<std::string> argv{"ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", path.string()};
  if (type == "rsa") argv.insert(argv.end(), {"-b", "2048"});
  const process_result r = run_process(argv);
  if (r.exit_code != 0) throw std::runtime_error("ssh-keygen failed: " + r.err);
  auto k = parse_key(as_bytes(read_file(path)));
  if (!k) throw std::runtime_error(path.string() + ": " + k.error().message());
  return *k;
}

/// The "SHA256:..." fields of `ssh-add -l` output, one per listed key.
inline std::vector<std::string> listed_fingerprints(const std::string& out) {
  std::vector<std::string> fps;
  std::size_t pos = 0;
  while ((pos = out.find("SHA256:", pos)) != std::string::npos) {
    const auto end = out.find(' ', pos);
    fps.push_back(out.substr(pos, end - pos));
    pos = end;
  }
  return fps;
}

/// A shell script that prints `answer`, for SSH_ASKPASS (ssh-add asks for lock passphrases
/// through it when SSH_ASKPASS_REQUIRE=force, needing no terminal).
inline std::filesystem::path askpass_script(const temp_dir& dir, const std::string& name, const std::string& answer) {
  const auto path = dir / name;
  write_file(path, "#!/bin/sh\necho '" + answer + "'\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

inline environment askpass_env(const std::filesystem::path& script) {
  return {{"SSH_ASKPASS", script.string()}, {"SSH_ASKPASS_REQUIRE", "force"}, {"DISPLAY", ""}};
}

/// OpenSSH's ssh-agent in the foreground on a socket in `dir`, killed when this is destroyed.
class ssh_agent_daemon {
public:
  explicit ssh_agent_daemon(const temp_dir& dir)
      : socket_(dir / "ssh-agent.sock"),
        process_({"ssh-agent", "-D", "-a", socket_.string()}, {}, dir / "ssh-agent.log") {}

  /// Waits (bounded) for the agent to accept connections.
  bool ready() { return wait_for_unix_socket(socket_) && process_.running(); }
  const std::filesystem::path& socket() const noexcept { return socket_; }
  void stop() { process_.stop(); }

private:
  std::filesystem::path socket_;
  background_process process_;
};

}  // namespace sshlib::test
