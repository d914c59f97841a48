// The OpenSSH private key file ("-----BEGIN OPENSSH PRIVATE KEY-----", openssh-portable
// PROTOCOL.key): magic "openssh-key-v1\0", cipher and KDF names, KDF options, the public
// key, and the (optionally bcrypt_pbkdf-encrypted) private section with its check integers.
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view openssh_private_begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
inline constexpr std::string_view openssh_private_end = "-----END OPENSSH PRIVATE KEY-----";

/// Parses the armoured file. Errors: invalid_key_format, passphrase_required,
/// wrong_passphrase (check integers differ after decryption, or the GCM tag fails),
/// unsupported_cipher, unsupported_kdf, length_exceeds_limit (KDF rounds above
/// options.max_kdf_rounds), key_mismatch, and the reader's codes.
result<key_impl> parse_openssh_private(std::string_view text, const secret_string& passphrase,
                                       const key_parse_options& options);

/// Parses the binary (base64-decoded) form.
result<key_impl> parse_openssh_private_binary(byte_view data, const secret_string& passphrase,
                                              const key_parse_options& options);

/// Writes the armoured file; encrypted with bcrypt_pbkdf + aes256-ctr when passphrase is not
/// empty. Precondition: k.has_private. Errors: invalid_value for rounds outside 1..10000.
result<secret_string> write_openssh_private(const key_impl& k, const secret_string& passphrase,
                                            std::uint32_t rounds);

}  // namespace sshlib::keys
