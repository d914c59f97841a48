// The identification strings of RFC 4253 section 4.2: building ours and reading the peer's
// from the byte stream, line by line, within the RFC's limits.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib::transport {

/// The peer's identification, parsed (the seed's `header` of a server's `connection` event).
struct peer_identification {
  std::string raw;            // the whole line without CR LF ("identRaw")
  std::string protocol;       // "2.0" (a server saying "1.99" is read as 2.0 compatible)
  std::string software;       // "OpenSSH_9.2p1"
  std::string comments;       // after the first space, possibly empty
  std::vector<std::string> greeting_lines;  // lines a server sent before its identification
};

/// Our line, "SSH-2.0-<software>[ <comments>]\r\n". RFC 4253 section 4.2: `software` is
/// printable US-ASCII without whitespace or '-'; comments are printable. Errors: invalid_value
/// when the line would exceed 255 bytes or holds a forbidden character.
result<std::string> make_identification(std::string_view software, std::string_view comments);

/// Reads the peer's identification from stream bytes. Feed bytes as they arrive; it consumes
/// only up to and including the identification's LF, so the bytes after it (the first
/// binary packet) stay with the caller.
class identification_reader {
public:
  /// A client accepts lines before the server's identification; a server does not.
  explicit identification_reader(bool accept_greeting_lines) noexcept
      : accept_greeting_(accept_greeting_lines) {}

  /// Consumes bytes from `data`; returns how many were used. After it returns, done() says
  /// whether the identification is complete. Errors: invalid_version_line with what was wrong
  /// (too long, not SSH-2.0, NUL byte, too many greeting lines).
  result<std::size_t> consume(byte_view data);

  bool done() const noexcept { return done_; }
  /// Precondition: done().
  const peer_identification& identification() const noexcept { return id_; }

private:
  result<void> finish_line();

  bool accept_greeting_;
  bool done_ = false;
  std::string line_;
  std::size_t greeting_bytes_ = 0;
  peer_identification id_;
};

}  // namespace sshlib::transport
