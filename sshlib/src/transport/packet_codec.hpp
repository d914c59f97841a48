// The binary packet protocol (RFC 4253 section 6), sans-IO: packet_sealer turns payloads into
// wire bytes for one direction, packet_opener turns received bytes into payloads. Each owns
// its direction's sequence number, protection (none until the first NEWKEYS), compression
// and the byte and block counts that trigger a rekey.
#pragma once

#include "common/uninitialized_allocator.hpp"
#include "crypto/packet_protection.hpp"
#include "transport/compression.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace sshlib::transport {

/// What a direction has carried since its keys were installed.
struct direction_counters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;   // on the wire
  std::uint64_t blocks = 0;  // cipher blocks, for RFC 4344's small-block limit
};

class packet_sealer {
 public:
  /// Appends one packet carrying `payload` to `out`. Errors: length_exceeds_limit for a
  /// payload too large for one packet, crypto_failure.
  result<void> seal(byte_view payload, bytes& out);

  /// Installs new keys (after we send NEWKEYS). `reset_sequence` for strict kex.
  void install(std::unique_ptr<crypto::packet_protection> protection, bool reset_sequence);
  /// Starts compressing from the next packet on.
  void enable_compression(std::unique_ptr<compressor> c) { compressor_ = std::move(c); }

  std::uint32_t sequence() const noexcept { return sequence_; }
  const direction_counters& counters() const noexcept { return counters_; }
  std::size_t block_size() const noexcept;

 private:
  std::unique_ptr<crypto::packet_protection> protection_;
  std::unique_ptr<compressor> compressor_;
  std::uint32_t sequence_ = 0;
  direction_counters counters_;
  bytes scratch_;
};

class packet_opener {
 public:
  /// Space for up to n more received bytes; then commit() how many arrived.
  mutable_byte_view prepare(std::size_t n);
  void commit(std::size_t n) noexcept { end_ += n; }
  /// Bytes received but not yet returned as packets.
  std::size_t buffered() const noexcept { return end_ - start_; }
  /// Hands bytes that arrived before the codec was in charge (after the identification).
  void push(byte_view data);
  /// The buffered bytes as they are, for the identification exchange that precedes the
  /// first packet; consume_raw() drops what it used.
  byte_view raw_buffered() const noexcept { return {buffer_.data() + start_, end_ - start_}; }
  void consume_raw(std::size_t n) noexcept { start_ += n; }
  /// Gives the receive buffer back to the allocator when it holds nothing: a quiet
  /// connection keeps no 64 KiB buffer (the next prepare() takes one again).
  void release_buffer_if_empty() noexcept {
    if (start_ != end_) return;
    decltype(buffer_)().swap(buffer_);
    start_ = end_ = 0;
  }
  std::size_t buffer_capacity() const noexcept { return buffer_.capacity(); }

  /// The next complete packet's payload (valid until the next call of any member), or
  /// nullopt when more bytes are needed. Errors: authentication_failed (MAC), invalid_value
  /// (length or padding), length_exceeds_limit, decompression_failed. After an error the
  /// opener refuses all work: the connection must close.
  result<std::optional<byte_view>> next();

  /// Installs new keys (after we receive NEWKEYS). `reset_sequence` for strict kex.
  void install(std::unique_ptr<crypto::packet_protection> protection, bool reset_sequence);
  void enable_compression(std::unique_ptr<decompressor> d) { decompressor_ = std::move(d); }

  /// The sequence number of the packet returned last (for SSH_MSG_UNIMPLEMENTED).
  std::uint32_t last_sequence() const noexcept { return sequence_ - 1; }
  const direction_counters& counters() const noexcept { return counters_; }
  std::size_t block_size() const noexcept;

 private:
  result<std::optional<byte_view>> fail(error e);

  std::unique_ptr<crypto::packet_protection> protection_;
  std::unique_ptr<decompressor> decompressor_;
  std::uint32_t sequence_ = 0;
  direction_counters counters_;
  std::vector<std::uint8_t, detail::uninitialized_allocator<std::uint8_t>> buffer_;
  std::size_t start_ = 0, end_ = 0;
  std::optional<std::uint32_t> pending_length_;  // learned from the current packet's prefix
  bytes inflated_;
  bool failed_ = false;
};

}  // namespace sshlib::transport
