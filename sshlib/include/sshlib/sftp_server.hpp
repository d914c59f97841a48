// sshlib::sftp_server: serves SFTP version 3 with OpenSSH's extensions on a channel whose
// "sftp" subsystem was accepted. Today it serves one directory tree, confined to its root
// (no escape through "..", symbolic links or absolute paths; see
// sshlib/src/sftp/sftp_local_filesystem.hpp for exactly what is guaranteed). The per-request
// handler API of the seed's server mode is planned (docs/ssh2-api-map.md).
//
// Requests are decoded on the channel's thread and answered in order, one at a time per
// session, on a small process-wide pool of file-I/O threads (2): a slow disk delays other
// SFTP sessions but not the connections' own traffic.
#pragma once

#include <sshlib/channel.hpp>
#include <sshlib/detail/erased_handler.hpp>

#include <boost/asio/async_result.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace sshlib {

struct sftp_server_options {
  /// Files and directories open at once per session.
  std::size_t max_open_handles = 256;
  /// Refuse every request that changes the tree with permission_denied.
  bool read_only = false;
  /// One line per request (its kind, path and outcome).
  std::function<void(std::string_view)> debug;
};

class sftp_server {
public:
  /// Serves the tree under `root` on `ch` until the client ends the session (channel EOF
  /// or CLOSE), then closes the channel. Completion: void(error_code): success when the
  /// client ended it; the error of opening `root`; errc::sftp_protocol_error for a client
  /// that sends a malformed frame or no INIT first (the channel is closed).
  template <class Token>
  static auto async_serve_directory(channel ch, std::string root, sftp_server_options options, Token&& token) {
    const auto executor = ch.get_executor();
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [executor](auto handler, channel c, std::string r, sftp_server_options o) {
          serve_directory(std::move(c), std::move(r), std::move(o),
                          detail::erase_handler<boost::system::error_code>(std::move(handler), executor));
        },
        token, std::move(ch), std::move(root), std::move(options));
  }

private:
  static void serve_directory(channel ch, std::string root, sftp_server_options options,
                              detail::completion<boost::system::error_code> done);
};

}  // namespace sshlib
