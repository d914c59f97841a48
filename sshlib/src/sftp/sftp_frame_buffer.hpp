// Received SFTP bytes, cut into packets: the client and the server both read a channel into
// one of these and take whole packets out. A length prefix is checked (decode_frame_header)
// before the packet is buffered, so a peer cannot make us hold more than one packet of at
// most limits::max_packet_length plus one read.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstddef>
#include <optional>
#include <span>

namespace sshlib::sftp::protocol {

class frame_buffer {
public:
  /// Room for the next read: at least read_chunk bytes, and enough for the packet that has
  /// started to arrive. Moves the unconsumed bytes to the front, so views from next() end here.
  std::span<std::uint8_t> prepare();
  /// `n` bytes were read into what prepare() gave.
  void commit(std::size_t n) noexcept { used_ += n; }
  /// The payload (the bytes after the length) of the next whole packet, nullopt while it
  /// has not all arrived. Errors: decode_frame_header's (a zero or oversized length). The
  /// view is valid until the next prepare().
  result<std::optional<byte_view>> next();

  static constexpr std::size_t read_chunk = 256 * 1024;

private:
  bytes data_;
  std::size_t start_ = 0;   // first byte not yet taken by next()
  std::size_t used_ = 0;    // bytes received
  std::size_t needed_ = 0;  // size of the packet being received, header included
};

}  // namespace sshlib::sftp::protocol
