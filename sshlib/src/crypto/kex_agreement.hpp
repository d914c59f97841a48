// Shared by the key-agreement primitives: one EVP_PKEY_derive between our key and a peer's.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::crypto::detail {

/// Derives the raw shared secret of `ours` (with private key) and `peer` (public only).
/// `what` names the method in error details. A failure of OpenSSL's own peer checks is
/// reported as invalid_public_value.
result<secure_bytes> derive_shared_secret(EVP_PKEY* ours, EVP_PKEY* peer, std::string_view what);

}  // namespace sshlib::crypto::detail
