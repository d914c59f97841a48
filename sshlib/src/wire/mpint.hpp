// A multiple-precision integer as RFC 4251 section 5 defines "mpint": two's complement,
// big-endian, with no needless leading byte. In memory we keep sign and magnitude, which is
// what OpenSSL's BIGNUM and our writers want.
#pragma once

#include <sshlib/bytes.hpp>

namespace sshlib::wire {

struct mpint {
  bool negative = false;
  bytes magnitude;  // big-endian absolute value without leading zero bytes; empty for zero

  bool is_zero() const noexcept { return magnitude.empty(); }
  friend bool operator==(const mpint&, const mpint&) = default;

  /// Builds a non-negative mpint from a big-endian magnitude that may carry leading zeros.
  static mpint from_unsigned(byte_view big_endian);
};

/// Two's-complement encoding of v without the length prefix, canonical (shortest form).
bytes encode_mpint_body(const mpint& v);

}  // namespace sshlib::wire
