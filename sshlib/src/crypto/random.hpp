// Cryptographically secure random bytes from OpenSSL's default DRBG.
#pragma once

#include <sshlib/bytes.hpp>

namespace sshlib::crypto {

/// Fills out with random bytes. Throws std::runtime_error only if the DRBG fails, which
/// means the process cannot do any cryptography safely.
void random_fill(mutable_byte_view out);
bytes random_bytes(std::size_t n);

}  // namespace sshlib::crypto
