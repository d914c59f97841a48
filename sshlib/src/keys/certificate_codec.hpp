// OpenSSH certificates (openssh-portable PROTOCOL.certkeys): decoding every field, and
// checking a certificate against a time, a type and a principal.
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/result.hpp>

namespace sshlib::keys {

/// Parses a certificate blob whose type name resolved to `type` (is_cert). Every list is
/// capped (key_limits.hpp); the CA key must be a plain supported key. The CA signature is
/// not checked here (see check_certificate).
result<key_impl> parse_certificate(const type_info& type, byte_view blob);

/// Known critical options (PROTOCOL.certkeys "Critical options"); anything else is refused.
bool is_known_critical_option(std::string_view name) noexcept;

/// See key::verify_certificate.
result<void> check_certificate(const key_impl& k, std::uint64_t now, certificate_type expected,
                               std::string_view principal);

}  // namespace sshlib::keys
