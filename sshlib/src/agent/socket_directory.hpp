// Where an agent_server's socket lives. A UNIX socket's own mode is not a dependable guard
// (it is set after bind, and some systems ignore it), so, like OpenSSH's ssh-agent, we rely
// on a directory only its owner can enter: created 0700 for the purpose, or checked to be
// private when the caller names one. Plain POSIX, no Asio.
#pragma once

#include <sshlib/result.hpp>

#include <filesystem>

namespace sshlib::agent_protocol {

struct socket_location {
  std::filesystem::path socket;       // where to bind
  std::filesystem::path created_dir;  // the directory made for it (removed afterwards), or empty
};

/// Decides and prepares the socket's location (see agent_server::listen): an empty
/// `requested` makes a new directory "sshlib-agent-XXXXXX" under the temporary directory
/// with the socket "agent.<pid>" in it. Errors: insecure_permissions (the directory is not
/// a directory of ours that only we can enter), file_exists (something is at the socket
/// path already), filename_too_long (the path does not fit in a sockaddr_un), and the
/// errors of mkdtemp, mkdir and lstat.
result<socket_location> prepare_socket_location(const std::filesystem::path& requested);

/// Makes the bound socket file readable and writable by its owner only. Errors: chmod's.
result<void> restrict_socket_mode(const std::filesystem::path& socket);

/// Removes the socket file and the directory made for it. Never throws.
void remove_socket_location(const socket_location& location) noexcept;

}  // namespace sshlib::agent_protocol
