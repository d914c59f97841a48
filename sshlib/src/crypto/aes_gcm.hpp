// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as OpenSSH uses it): the
// 4-byte packet length is sent in clear and authenticated as AAD, the rest is encrypted,
// a 16-byte tag follows, and the 12-byte nonce is a 4-byte fixed field followed by a
// 64-bit invocation counter incremented after every packet (RFC 5647 section 7.1).
#pragma once

#include "crypto/cipher.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <array>
#include <cstdint>

namespace sshlib::crypto {

class aes_gcm {
public:
  static constexpr std::size_t iv_size = 12;
  static constexpr std::size_t tag_size = 16;
  static constexpr std::size_t length_size = 4;

  /// key: 16 bytes (aes128-gcm) or 32 (aes256-gcm); iv: the 12 bytes from key derivation.
  /// Errors: invalid_key_length.
  static result<aes_gcm> create(byte_view key, byte_view iv, cipher_direction dir);

  aes_gcm(aes_gcm&&) noexcept = default;
  aes_gcm& operator=(aes_gcm&&) noexcept = default;

  /// packet: the 4-byte length (left in clear, used as AAD) followed by the bytes to encrypt
  /// in place. Writes the tag and advances the invocation counter.
  result<void> seal(mutable_byte_view packet, mutable_byte_view tag);
  /// Verifies and decrypts in place. Errors: authentication_failed, after which the
  /// plaintext in packet must be discarded. The counter advances only on success.
  result<void> open(mutable_byte_view packet, byte_view tag);

  /// The nonce the next packet will use (for tests and diagnostics).
  const std::array<std::uint8_t, iv_size>& next_iv() const noexcept { return iv_; }

private:
  explicit aes_gcm(cipher_context ctx) : ctx_(std::move(ctx)) {}
  void increment_counter() noexcept;
  cipher_context ctx_;
  std::array<std::uint8_t, iv_size> iv_{};
};

}  // namespace sshlib::crypto
