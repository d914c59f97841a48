// chacha20-poly1305@openssh.com (openssh-portable PROTOCOL.chacha20poly1305): ChaCha20 with
// a 64-bit counter and a 64-bit nonce (the packet sequence number), one instance keyed by
// K_1 for the 4-byte packet length and one keyed by K_2 for the rest of the packet, and a
// Poly1305 tag over the whole ciphertext keyed from K_2's keystream block 0.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>

namespace sshlib::crypto {

class chacha20_poly1305 {
public:
  static constexpr std::size_t key_size = 64;  // K_2 (first 32 bytes) || K_1 (last 32)
  static constexpr std::size_t tag_size = 16;
  static constexpr std::size_t length_size = 4;

  /// Keys both ChaCha20 instances. Errors: invalid_key_length unless key is 64 bytes;
  /// algorithm_unavailable if OpenSSL lacks ChaCha20 or Poly1305.
  static result<chacha20_poly1305> create(byte_view key);

  chacha20_poly1305(chacha20_poly1305&&) noexcept = default;
  chacha20_poly1305& operator=(chacha20_poly1305&&) noexcept = default;

  /// Decrypts the first 4 bytes of packet `seq` (encrypted_length.size() must be 4) so a
  /// reader can learn how many bytes to wait for. Leaves the input untouched: the tag
  /// covers the ciphertext. The value is unauthenticated until open() succeeds.
  result<std::uint32_t> decrypt_length(std::uint32_t seq, byte_view encrypted_length);

  /// Encrypts packet (the 4-byte length followed by the rest, at least 4 bytes) in place and
  /// writes the 16-byte tag to tag.
  result<void> seal(std::uint32_t seq, mutable_byte_view packet, mutable_byte_view tag);

  /// Checks tag over packet (ciphertext, length included) in constant time, then decrypts
  /// packet in place. Errors: authentication_failed (packet left unchanged).
  result<void> open(std::uint32_t seq, mutable_byte_view packet, byte_view tag);

private:
  chacha20_poly1305() = default;
  result<void> start(std::uint32_t seq, mutable_byte_view poly_key);
  result<void> compute_tag(byte_view poly_key, byte_view data, mutable_byte_view tag);
  evp_cipher_ctx_ptr main_;    // K_2: payload and Poly1305 key
  evp_cipher_ctx_ptr header_;  // K_1: packet length only
  evp_mac_ctx_ptr poly_;
};

/// The 16-byte IV OpenSSL's "ChaCha20" takes for the original ChaCha20's 64-bit block
/// counter and 64-bit nonce, the nonce given as the value of an SSH uint64 (OpenSSH puts the
/// packet sequence number there). Exposed for the tests.
void chacha20_openssh_iv(std::uint64_t block_counter, std::uint64_t nonce, std::uint8_t (&iv)[16]) noexcept;

}  // namespace sshlib::crypto
