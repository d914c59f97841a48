// Sans-IO protection of SSH binary packets (RFC 4253 section 6): encryption plus MAC
// (encrypt-and-MAC, or encrypt-then-MAC per OpenSSH PROTOCOL section 1.5), or an AEAD
// (aes*-gcm@openssh.com, chacha20-poly1305@openssh.com). Works on one packet buffer in
// place; the transport owns the sequence numbers, the padding and the socket.
//
// Buffer layout, both directions:
//   uint32 packet_length | byte padding_length | payload | padding | tag_length() bytes
// Reading from a stream:
//   1. wait for length_prefix_size() bytes; open_length() gives packet_length;
//   2. wait for 4 + packet_length + tag_length() bytes in total; open() verifies and
//      decrypts. The first bytes must be the ones open_length() saw (it may have decrypted
//      them in place).
#pragma once

#include "crypto/cipher.hpp"
#include "crypto/packet_algorithms.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace sshlib::crypto {

class packet_protection {
public:
  /// Creates the protection for one direction. For an AEAD cipher `mac_name` and `mac_key`
  /// are ignored (RFC 5647 section 5.1, PROTOCOL.chacha20poly1305). Errors:
  /// unsupported_algorithm for an unknown name, invalid_key_length when key, iv or mac_key
  /// do not have the sizes of cipher_spec / mac_spec, algorithm_unavailable when OpenSSL
  /// lacks a primitive (RIPEMD-160 before 3.0.7; arcfour*, blowfish-cbc and cast128-cbc
  /// without its legacy provider).
  static result<std::unique_ptr<packet_protection>> create(std::string_view cipher_name,
                                                           std::string_view mac_name,
                                                           cipher_direction direction, byte_view key,
                                                           byte_view iv, byte_view mac_key);

  virtual ~packet_protection() = default;
  packet_protection(const packet_protection&) = delete;
  packet_protection& operator=(const packet_protection&) = delete;

  /// Padding granularity. The transport pads so that the padded region is a multiple of
  /// this: the whole packet, or everything after the length when length_is_aad().
  std::size_t block_size() const noexcept { return block_size_; }
  /// Bytes following the packet: MAC or AEAD tag.
  std::size_t tag_length() const noexcept { return tag_length_; }
  /// True when the 4-byte length is outside the encrypted, padded region (etm and AEAD).
  bool length_is_aad() const noexcept { return length_is_aad_; }
  /// Bytes a reader needs before open_length() can tell the packet length.
  std::size_t length_prefix_size() const noexcept { return length_is_aad_ ? 4 : block_size_; }

  /// Encrypts and authenticates `packet` (layout above; its size must be
  /// 4 + packet_length + tag_length()) in place and writes the tag. Errors: invalid_value
  /// for a malformed layout or misaligned length, length_exceeds_limit above
  /// wire::limits::max_packet_length, crypto_failure.
  result<void> seal(std::uint32_t sequence_number, mutable_byte_view packet);

  /// Learns packet_length from the first length_prefix_size() bytes (possibly decrypting
  /// them in place). The value is checked (at least 5, aligned, at most
  /// wire::limits::max_packet_length) but is not authenticated until open() succeeds.
  /// Errors: invalid_value, length_exceeds_limit; afterwards this object refuses all work.
  result<std::uint32_t> open_length(std::uint32_t sequence_number, mutable_byte_view prefix);

  /// Verifies (constant time) and decrypts the whole packet as received, tag included,
  /// after open_length() for the same sequence number. On success the first
  /// 4 + packet_length bytes hold the plaintext packet. Errors: authentication_failed
  /// (the packet must be discarded and the connection closed; this object then refuses
  /// all work), invalid_value on misuse (wrong size, no open_length() first).
  result<void> open(std::uint32_t sequence_number, mutable_byte_view packet);

protected:
  packet_protection(cipher_direction dir, std::size_t block_size, std::size_t tag_length, bool length_is_aad)
      : dir_(dir), block_size_(block_size), tag_length_(tag_length), length_is_aad_(length_is_aad) {}

private:
  // body = the 4-byte length and the packet_length bytes after it; tag = the bytes after.
  virtual result<void> do_seal(std::uint32_t seq, mutable_byte_view body, mutable_byte_view tag) = 0;
  virtual result<std::uint32_t> do_open_length(std::uint32_t seq, mutable_byte_view prefix) = 0;
  virtual result<void> do_open(std::uint32_t seq, mutable_byte_view body, byte_view tag) = 0;

  result<void> check_length(std::uint32_t packet_length) const;
  result<void> usable(cipher_direction wanted) const;

  struct pending_packet {
    std::uint32_t seq;
    std::uint32_t length;
  };
  cipher_direction dir_;
  std::size_t block_size_;
  std::size_t tag_length_;
  bool length_is_aad_;
  bool failed_ = false;
  std::optional<pending_packet> pending_;
};

}  // namespace sshlib::crypto
