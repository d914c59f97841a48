// TOTP primitives (RFC 6238 over RFC 4226's HOTP) and the base32 of authenticator apps
// (RFC 4648 section 6). check_totp() in authentication.hpp applies them to a user.
#pragma once

#include <bastion/policy/model.hpp>

#include <sshlib/bytes.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace bastion::policy {

/// Decodes base32 (A-Z2-7, case-insensitive; spaces ignored; '=' padding optional at the
/// end). Nothing when another character appears or the length is impossible.
std::optional<sshlib::secure_bytes> base32_decode(std::string_view text);

/// The HOTP value of `counter` (RFC 4226 section 5.3) with HMAC over `algorithm`, reduced
/// to `digits` (6-8) decimal digits. For TOTP the counter is unix_time / period.
std::uint32_t hotp_value(sshlib::byte_view secret, std::uint64_t counter, unsigned digits,
                         totp_algorithm algorithm);

}  // namespace bastion::policy
