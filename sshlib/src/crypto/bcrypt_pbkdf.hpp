// bcrypt_pbkdf: the password-based KDF of OpenBSD that protects OpenSSH private keys
// ("kdfname bcrypt" in openssh-portable's PROTOCOL.key). A PBKDF2-like construction whose
// pseudo-random function is a bcrypt hash of SHA-512 digests, with outputs interleaved
// across the derived key so that every output byte depends on every round.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>

namespace sshlib::crypto {

/// Largest derived key we produce (OpenSSH asks for key + IV, at most 48 bytes; the KDF
/// itself is defined up to 32 * 32 bytes).
inline constexpr std::size_t bcrypt_pbkdf_max_output = 1024;

/// Derives out.size() bytes from passphrase and salt with `rounds` iterations.
/// Errors: invalid_value when rounds is 0, the salt is empty or longer than 1 KiB, or out
/// is empty or larger than bcrypt_pbkdf_max_output. The passphrase may be empty.
/// Cost grows linearly with rounds (about 1-2 ms each): callers parsing untrusted input must
/// cap rounds before calling.
result<void> bcrypt_pbkdf(byte_view passphrase, byte_view salt, std::uint32_t rounds,
                          mutable_byte_view out);

}  // namespace sshlib::crypto
