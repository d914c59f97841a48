// PEM key files through OpenSSL's decoders and encoders: PKCS#1 RSA, SEC1 EC, DSA
// (traditional, optionally encrypted with a Proc-Type header), PKCS#8 plain and encrypted,
// SubjectPublicKeyInfo. Decoded keys are rebuilt through pkey_build so that the same
// limits and consistency checks apply as for OpenSSH formats.
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

/// Errors: invalid_key_format, passphrase_required, wrong_passphrase (decryption failed:
/// traditional PEM encryption has no integrity check, so a corrupted encrypted file reports
/// this too), unsupported_key_type, length_exceeds_limit (PKCS#8 KDF cost above the limit),
/// unsupported_kdf, key_mismatch.
result<key_impl> parse_pem(std::string_view text, const secret_string& passphrase,
                           const key_parse_options& options);

result<std::string> write_public_pem(const key_impl& k);
result<secret_string> write_private_pem(const key_impl& k, pem_format format);

}  // namespace sshlib::keys
