// Bounds the work an encrypted PKCS#8 file can demand before OpenSSL runs its KDF: the
// PBKDF2 iteration count (and scrypt's cost parameters) come from the file, and a hostile
// one could ask for billions of iterations.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>

namespace sshlib::keys {

/// der is an EncryptedPrivateKeyInfo (RFC 5958 section 3). Walks the DER of its
/// encryptionAlgorithm and fails with length_exceeds_limit if any INTEGER there exceeds
/// max_integer (iteration counts, scrypt N/r/p, key lengths), with invalid_key_format if the
/// DER is malformed.
result<void> check_pkcs8_cost(byte_view der, std::uint32_t max_integer);

}  // namespace sshlib::keys
