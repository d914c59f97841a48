// Blocking UNIX-socket helpers for tests that play a raw agent client or wait for a daemon's
// socket to accept connections.
#pragma once

#include <sshlib/bytes.hpp>

#include <filesystem>
#include <optional>

namespace sshlib::test {

/// A connected SOCK_STREAM socket, closed on destruction.
class unix_client {
public:
  /// Connects; `ok()` says whether it worked.
  explicit unix_client(const std::filesystem::path& path);
  ~unix_client();
  unix_client(const unix_client&) = delete;
  unix_client& operator=(const unix_client&) = delete;

  bool ok() const noexcept { return fd_ >= 0; }
  /// Writes everything; false on error.
  bool send(byte_view data);
  /// Reads one framed agent message (uint32 length + payload) and returns the payload;
  /// nullopt when the peer closed the connection or on error. Waits at most 10 s.
  std::optional<bytes> receive_message();
  /// True when the peer has closed the connection (read returns 0) within 10 s.
  bool peer_closed();

private:
  bool read_exactly(std::uint8_t* p, std::size_t n);
  int fd_ = -1;
};

/// Polls until something accepts connections on `path`, trying at most `attempts` times
/// with a short pause between tries (a daemon creates its socket some time after it
/// starts). Returns false when it never did.
bool wait_for_unix_socket(const std::filesystem::path& path, int attempts = 500);

}  // namespace sshlib::test
