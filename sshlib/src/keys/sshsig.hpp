// SSH signatures of files and messages as `ssh-keygen -Y sign/verify` make them
// (openssh-portable PROTOCOL.sshsig): a blob "SSHSIG", version 1, signer's public key,
// namespace, reserved, hash algorithm and signature, armoured as
// "-----BEGIN SSH SIGNATURE-----". The signature covers "SSHSIG", namespace, reserved,
// hash algorithm and H(message) - never the message itself, so it cannot be replayed as an
// SSH authentication signature.
#pragma once

#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <string>
#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view sshsig_begin = "-----BEGIN SSH SIGNATURE-----";
inline constexpr std::string_view sshsig_end = "-----END SSH SIGNATURE-----";

/// Signs message in namespace ns (must not be empty) with hash sha512; RSA keys sign with
/// rsa-sha2-512. Returns the armoured signature. Errors: those of key::sign, invalid_value
/// for an empty namespace.
result<std::string> sshsig_sign(const key& signer, std::string_view ns, byte_view message);

/// Verifies an armoured signature over message in namespace ns and returns the signer's
/// public key. Whether that key is trusted is the caller's decision. Errors:
/// invalid_signature (malformed, wrong version, namespace differs, hash not sha256/sha512,
/// ssh-rsa SHA-1 signature), signature_mismatch.
result<key> sshsig_verify(std::string_view armored, std::string_view ns, byte_view message);

}  // namespace sshlib::keys
