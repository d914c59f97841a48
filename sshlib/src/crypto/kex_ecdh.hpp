// ECDH over the NIST prime curves for ecdh-sha2-nistp256/384/521 (RFC 5656 section 4).
// Public values are SEC1 uncompressed points (RFC 5656 section 4 / SEC1 2.3.3).
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::crypto {

enum class ecdh_curve { nistp256, nistp384, nistp521 };

/// Field element size in bytes: 32, 48, 66.
std::size_t ecdh_field_size(ecdh_curve curve) noexcept;
/// OpenSSL's group name: "P-256", "P-384", "P-521".
std::string_view ecdh_group_name(ecdh_curve curve) noexcept;

class ecdh_exchange {
public:
  /// A fresh ephemeral key pair. Errors: crypto_failure.
  static result<ecdh_exchange> generate(ecdh_curve curve);
  /// A key pair from a known private scalar (big-endian, exactly field-size bytes; tests and
  /// known answers). Errors: invalid_key_length, invalid_value for a scalar out of [1, n-1].
  static result<ecdh_exchange> from_private(ecdh_curve curve, byte_view scalar);

  ecdh_exchange(ecdh_exchange&&) noexcept = default;
  ecdh_exchange& operator=(ecdh_exchange&&) noexcept = default;

  ecdh_curve curve() const noexcept { return curve_; }
  /// Our public point, SEC1 uncompressed: 0x04 || x || y.
  const bytes& public_value() const noexcept { return public_; }

  /// The shared secret: the x coordinate of the shared point, big-endian, field-size bytes
  /// (RFC 5656 section 4: the caller encodes it as an mpint with write_unsigned_mpint).
  /// Errors: invalid_public_value when the peer's point is not uncompressed of the right
  /// size, is not on the curve, or is the point at infinity.
  result<secure_bytes> derive(byte_view peer_point) const;

private:
  ecdh_exchange() = default;
  ecdh_curve curve_{};
  evp_pkey_ptr key_;
  bytes public_;
};

}  // namespace sshlib::crypto
