// A real OpenSSH server for interop tests, run in inetd mode (`sshd -i`) on one end of a
// socketpair per connection: no port to pick, no listener to race, and each connection's
// sshd exits when it ends. Host keys (ed25519, ecdsa, rsa) are made by ssh-keygen in a private
// temporary directory with the server's config, log and authorized_keys.
#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sshlib::test {

class sshd_server {
public:
  /// `extra_config` lines are appended to sshd_config.
  explicit sshd_server(std::vector<std::string> extra_config = {});
  ~sshd_server();
  sshd_server(const sshd_server&) = delete;
  sshd_server& operator=(const sshd_server&) = delete;

  /// Why sshd cannot run here (not root, no /usr/sbin/sshd), or empty when it can.
  static std::string unavailable_reason();

  const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  /// Adds a line to authorized_keys.
  void authorize(const std::string& public_line);
  /// The host key file of a type ("ed25519", "ecdsa", "rsa"); its ".pub" sits beside it.
  std::filesystem::path host_key(const std::string& type) const;
  /// The user sshd authenticates (the test's own user).
  static std::string user();

  /// Starts one `sshd -i` with `-o` options and returns our end of its socketpair (a
  /// connected stream socket the caller owns). Throws std::runtime_error if it cannot start.
  int connect(const std::vector<std::string>& options = {});
  /// The `sshd -i ...` command line connect() runs, for ssh's ProxyCommand: OpenSSH's own
  /// client then talks to this server over the command's stdin and stdout.
  std::string proxy_command() const;
  /// Everything the server instances logged so far (sshd -E).
  std::string log() const;

private:
  temp_dir dir_;
  std::vector<pid_t> children_;
};

}  // namespace sshlib::test
