// SSH signatures by algorithm name: ssh-ed25519 (RFC 8709 section 6), ecdsa-sha2-* (RFC 5656
// section 3.1.2: string holding mpint r, mpint s), rsa-sha2-256/512 (RFC 8332) and ssh-rsa
// (RFC 4253 section 6.6), ssh-dss verification (RFC 4253 section 6.6: 40 bytes r || s).
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

/// Signs with k's private half; returns the blob (string algorithm, string signature).
result<bytes> sign_data(const key_impl& k, byte_view data, std::string_view algorithm);

/// Verifies blob over data with k's public half. allow_sha1_rsa = false refuses "ssh-rsa"
/// signatures (used for certificate CA signatures, as OpenSSH does by default).
result<void> verify_signature(const key_impl& k, byte_view data, byte_view blob,
                              bool allow_sha1_rsa = true);

}  // namespace sshlib::keys
