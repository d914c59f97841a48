// Builds one framed SFTP packet: the uint32 length (patched by finish()), the type byte,
// then the body. Like packet_reader it is sticky: a field above its cap records the first
// failure, later writes are ignored, and finish() reports it. The caps are the decoder's, so
// nothing we encode would be refused by our own decoder.
#pragma once

#include "sftp/sftp_limits.hpp"
#include "wire/writer.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sshlib::sftp::protocol {

/// The uint32 length that precedes every packet (draft section 3).
inline constexpr std::size_t frame_header_size = 4;

class packet_writer {
public:
  explicit packet_writer(std::uint8_t type);
  packet_writer(const packet_writer&) = delete;
  packet_writer& operator=(const packet_writer&) = delete;

  void byte(std::uint8_t v) { w_.write_byte(v); }
  void u32(std::uint32_t v) { w_.write_u32(v); }
  void u64(std::uint64_t v) { w_.write_u64(v); }
  /// A string of at most `cap` bytes; a longer one fails the packet with
  /// length_exceeds_limit, naming `what`.
  void string(byte_view s, std::size_t cap, std::string_view what);
  void string(std::string_view s, std::size_t cap, std::string_view what) { string(as_bytes(s), cap, what); }

  void path(std::string_view s, std::string_view what = "path") { string(s, limits::max_path_length, what); }
  void handle(byte_view h) { string(h, limits::max_handle_length, "handle"); }

  /// Bytes with no length prefix (the rest of an unknown extended request).
  void raw(byte_view s) { w_.write_raw(s); }
  /// Access to the underlying writer, for fields built elsewhere (a string of packed ids).
  wire::writer& writer() noexcept { return w_; }

  /// Records a failure (the first one wins).
  void fail(errc code, std::string detail);
  /// Checks a count against its cap.
  void check_count(std::size_t n, std::size_t cap, std::string_view what);

  /// The framed packet. Errors: the first recorded failure, or length_exceeds_limit when
  /// the packet is larger than limits::max_packet_length.
  result<bytes> finish() &&;

private:
  bytes out_;
  wire::writer w_;
  bool failed_ = false;
  error failure_;
};

}  // namespace sshlib::sftp::protocol
