// sshlib-sshd's command line: the options struct and its parser (the flags are described
// at the top of sshlib-sshd.cpp).
#pragma once

#include "forwarding.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sshd {

struct options {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 2222;
  std::vector<std::string> host_keys;
  std::vector<std::string> generated_host_keys;  // created when missing
  std::string authorized_keys, password_file;
  std::vector<std::string> allow_env = {"LANG", "LC_*"};
  // NAME=VALUE pairs set in every session last, over the defaults and the client's (sshd's
  // SetEnv): HOME=DIR keeps the account's start-up files out of a test's sessions.
  std::vector<std::pair<std::string, std::string>> set_env;
  std::string sftp_root;  // empty: the sftp subsystem is refused
  unsigned max_sessions = 10, max_connections = 100, threads = 1;
  bool verbose = false;
  forwarding_settings forwarding;
};

/// The usage text on stderr; returns the exit code for a usage error (2).
int usage();
/// Parses argv. Throws std::invalid_argument with a message naming the flag.
options parse_options(int argc, char** argv);

}  // namespace sshd
