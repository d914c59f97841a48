// Finite-field Diffie-Hellman for diffie-hellman-group{1,14,15,16,17,18}-* (RFC 4253
// section 8, RFC 8268) and diffie-hellman-group-exchange-* (RFC 4419). Only the
// primitive: the exchange hash and messages belong to the transport.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

namespace sshlib::crypto {

/// Bounds on a group-exchange modulus, as OpenSSH applies them (RFC 4419 section 3 asks for
/// at least 1024 bits; 2048 is today's floor).
inline constexpr std::size_t dh_gex_min_bits = 2048;
inline constexpr std::size_t dh_gex_max_bits = 8192;
/// Default size of our private exponent: twice the 256-bit security of the strongest
/// ciphers we negotiate, as OpenSSH sizes it.
inline constexpr std::size_t dh_default_private_bits = 512;

enum class dh_named_group {
  group1,   // RFC 2409 section 6.2, Oakley group 2 (1024 bits), diffie-hellman-group1-sha1
  group14,  // RFC 3526 section 3 (2048 bits)
  group15,  // RFC 3526 section 4 (3072 bits)
  group16,  // RFC 3526 section 5 (4096 bits)
  group17,  // RFC 3526 section 6 (6144 bits)
  group18,  // RFC 3526 section 7 (8192 bits)
};

/// A prime modulus p and generator g, as unsigned big-endian magnitudes.
class dh_group {
public:
  /// One of the fixed groups. Errors: crypto_failure (allocation).
  static result<dh_group> named(dh_named_group group);

  /// A group the server sent in SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 section 3), checked
  /// against the bounds the client asked for. Preconditions (else invalid_value):
  /// dh_gex_min_bits <= min_bits <= max_bits <= dh_gex_max_bits. Errors: invalid_value when
  /// p is even or its size is outside [min_bits, max_bits], or g is not in (1, p-1).
  /// p's primality is not tested (too slow for the handshake; the server chose it).
  static result<dh_group> from_gex(byte_view p, byte_view g, std::size_t min_bits, std::size_t max_bits);

  std::size_t bits() const noexcept { return bits_; }
  const bytes& p() const noexcept { return p_; }
  const bytes& g() const noexcept { return g_; }

private:
  dh_group() = default;
  bytes p_, g_;
  std::size_t bits_ = 0;
};

class dh_exchange {
public:
  /// A fresh key pair in group with a private exponent of private_bits bits.
  /// Errors: invalid_value when private_bits is under 160 or not below the modulus size,
  /// crypto_failure.
  static result<dh_exchange> generate(const dh_group& group,
                                      std::size_t private_bits = dh_default_private_bits);

  dh_exchange(dh_exchange&&) noexcept = default;
  dh_exchange& operator=(dh_exchange&&) noexcept = default;

  /// Our public value (e or f) as an unsigned big-endian magnitude, for write_unsigned_mpint.
  const bytes& public_value() const noexcept { return public_; }

  /// The shared secret K = peer^x mod p, as an unsigned big-endian magnitude without
  /// leading zero bytes (for write_unsigned_mpint). Errors: invalid_public_value unless
  /// 1 < peer < p-1 (RFC 4253 section 8), crypto_failure.
  result<secure_bytes> derive(byte_view peer_public) const;

private:
  dh_exchange() = default;
  bytes p_;
  bytes public_;
  evp_pkey_ptr key_;
};

}  // namespace sshlib::crypto
