// X25519 key agreement (RFC 7748) for curve25519-sha256 (RFC 8731). Only the primitive: the
// exchange hash and message flow belong to the transport.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <array>

namespace sshlib::crypto {

class x25519_exchange {
public:
  static constexpr std::size_t public_size = 32;
  static constexpr std::size_t secret_size = 32;

  /// A fresh ephemeral key pair. Errors: crypto_failure.
  static result<x25519_exchange> generate();
  /// A key pair from a known 32-byte private scalar (tests, known answers).
  /// Errors: invalid_key_length.
  static result<x25519_exchange> from_private(byte_view private_key);

  x25519_exchange(x25519_exchange&&) noexcept = default;
  x25519_exchange& operator=(x25519_exchange&&) noexcept = default;

  /// Our 32-byte public value (Q_C or Q_S).
  byte_view public_value() const noexcept { return public_; }

  /// The 32-byte shared secret with the peer's public value, exactly as X25519 outputs it.
  /// RFC 8731 section 3.1: K is these bytes read as an unsigned big-endian number, so the
  /// caller encodes it with write_unsigned_mpint (which drops leading zeros).
  /// Errors: invalid_public_value when peer is not 32 bytes or the result is all zero (a
  /// low-order peer point, RFC 7748 section 6.1).
  result<secure_bytes> derive(byte_view peer_public) const;

private:
  x25519_exchange() = default;
  evp_pkey_ptr key_;
  std::array<std::uint8_t, public_size> public_{};
};

}  // namespace sshlib::crypto
