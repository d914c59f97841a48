// Key derivation of RFC 4253 section 7.2: the six values A..F (IVs, encryption and integrity
// keys per direction) from K, H and the session identifier.
#pragma once

#include "crypto/digest.hpp"

#include <sshlib/bytes.hpp>

namespace sshlib::transport {

/// HASH(K || H || letter || session_id), extended by HASH(K || H || K1 || ... ) until
/// `length` bytes. `shared_secret` is K already encoded as an mpint.
secure_bytes derive_key(crypto::digest_algorithm hash, const secure_bytes& shared_secret, byte_view exchange_hash,
                        char letter, byte_view session_id, std::size_t length);

}  // namespace sshlib::transport
