// PuTTY private key files (PPK versions 2 and 3): the text container, its passphrase
// protection (v2: SHA-1 key derivation and HMAC-SHA-1; v3: Argon2 and HMAC-SHA-256, both
// with aes256-cbc), and the conversion of PuTTY's private fields into a key. Format per
// PuTTY's documentation (appendix C of the PuTTY manual).
#pragma once

#include "keys/key_impl.hpp"
#include "keys/key_limits.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view ppk_prefix = "PuTTY-User-Key-File-";

/// Bounds on a v3 file's Argon2 parameters: a hostile file must not make us allocate
/// gigabytes or spin for minutes. parse_key uses the defaults (key_limits.hpp); the fuzzer
/// passes tiny ones so that it explores the container instead of running Argon2.
struct ppk_limits {
  std::uint32_t max_argon2_memory_kib = limits::max_argon2_memory_kib;
  std::uint32_t max_argon2_passes = limits::max_argon2_passes;
  std::uint32_t max_argon2_parallelism = limits::max_argon2_parallelism;
};

/// Errors: invalid_key_format (which header or line is wrong, Argon2 parameters Argon2
/// itself refuses, a MAC that does not verify on an unencrypted file), passphrase_required,
/// wrong_passphrase (the MAC does not verify with this passphrase), unsupported_cipher,
/// unsupported_kdf, length_exceeds_limit (line counts, Argon2 parameters), key_mismatch,
/// unsupported_key_type.
result<key_impl> parse_ppk(std::string_view text, const secret_string& passphrase,
                           const ppk_limits& caps = {});

}  // namespace sshlib::keys
