// The SFTP audit of terminating mode (issue #7): the bastion relays an "sftp" subsystem
// byte for byte and shows both directions to an sftp_audit, which decodes SFTP version 3
// (draft-ietf-secsh-filexfer-02 with OpenSSH's extensions, via sshlib's codec) and reports
// one event per file operation: opens with their flags, bytes and operations per handle,
// renames, removals, attribute changes, ..., and the SHA-256 of each file transferred whole.
// docs/recording.md ("SFTP audit") lists the events and their fields.
//
// Sans-IO: bytes in, events out, synchronously. The audit only reads what it is shown; it
// never blocks, alters or refuses data, so the relay goes on whatever the audit thinks of
// the stream. Memory is bounded: one partial packet per direction (at most sshlib's packet
// cap), the caps of sftp_audit_limits, and no copy of bulk data except READ replies held
// out of order (max_held_read_bytes in all).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace bastion::recording {

/// The caps that bound an audit's memory; reaching one stops the audit (with a reason) or,
/// for held read data, gives up that file's hash.
struct sftp_audit_limits {
  /// Requests sent and not yet answered. OpenSSH's sftp keeps 64 in flight by default.
  std::size_t max_outstanding_requests = 4096;
  /// Handles open at once (files and directories).
  std::size_t max_open_handles = 1024;
  /// READ replies that arrived ahead of an earlier one are copied and held so the hash can
  /// go on once the gap is filled; past this many bytes held (all files together) the file
  /// that needs more loses its hash ("whole": false).
  std::size_t max_held_read_bytes = std::size_t{8} * 1024 * 1024;
  /// Whether to hash files transferred whole; the counters are kept either way.
  bool hash_files = true;
};

class sftp_audit {
 public:
  /// Receives one event: its name ("session", "open", "close", "rename", ...) and its
  /// fields, a JSON object. Called synchronously from from_client, from_server and end(), on
  /// the caller's thread; it must not throw and must not call back into the audit. Strings
  /// in `fields` are valid UTF-8 (bytes of paths that are not are replaced by U+FFFD).
  using sink = std::function<void(std::string_view op, nlohmann::json fields)>;

  /// `s` must be callable for the audit's whole life. A moved-from audit may only be
  /// destroyed or assigned to.
  explicit sftp_audit(sink s, sftp_audit_limits limits = {});
  ~sftp_audit();
  sftp_audit(sftp_audit&&) noexcept;
  sftp_audit& operator=(sftp_audit&&) noexcept;
  sftp_audit(const sftp_audit&) = delete;
  sftp_audit& operator=(const sftp_audit&) = delete;

  /// Bytes the client sent (requests), in order and in any chunks. Show them before the
  /// server can answer them, i.e. no later than they are forwarded: a reply to a request the
  /// audit has not seen stops the audit. `bytes` is only read during the call.
  void from_client(std::span<const std::uint8_t> bytes);
  /// Bytes the server sent (replies), in order and in any chunks.
  void from_server(std::span<const std::uint8_t> bytes);

  /// The channel closed: reports each request never answered (its event with "result":
  /// "unanswered") and each handle never closed ("close" with "closed": false). Later
  /// input is ignored. Does nothing once stopped; calling it twice reports once.
  void end();

  /// True once decoding gave up: the stream is not SFTP version 3, a packet is malformed,
  /// or a cap was reached. One "audit_stopped" event says why; no event follows it.
  bool stopped() const noexcept;
  /// Why (empty while not stopped), e.g. "client: length exceeds limit: SFTP packet of ...".
  const std::string& stop_reason() const noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bastion::recording
