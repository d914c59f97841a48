// The sans-IO core of known_hosts (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT): one line at a
// time, the name ssh(1) looks a host up by, and whether a host field matches that name.
// sshlib::known_hosts (include/sshlib/known_hosts.hpp) is built on these.
#pragma once

#include <sshlib/known_hosts.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view cert_authority_marker = "@cert-authority";
inline constexpr std::string_view revoked_marker = "@revoked";
inline constexpr std::uint16_t default_ssh_port = 22;

/// The name entries are matched against: `host` on port 22 (and 0, "not given", as
/// OpenSSH's put_host_port), "[host]:port" otherwise; in ASCII lower case because ssh(1)
/// lower-cases host names before looking them up (and before hashing them).
std::string known_hosts_name(std::string_view host, std::uint16_t port);

/// Parses one line without its '\n' (a trailing '\r' is ignored) and gives it
/// `line_number`. Returns nullopt for blank and '#' comment lines. Errors say why the line
/// is skipped: invalid_value (unknown or repeated marker, no host field, no key, malformed
/// hashed host, SSH-1 key, certificate in place of a key), length_exceeds_limit (line or
/// hashed salt too long), and parse_public_line's errors for the key.
result<std::optional<known_hosts_entry>> parse_known_hosts_line(std::string_view line, std::size_t line_number);

/// Whether a host field (pattern list, or hashed name) matches `name` as made by
/// known_hosts_name(). A negated pattern that matches makes it false. A malformed hashed
/// field (parse_known_hosts_line never keeps one) matches nothing. Errors: crypto_failure
/// from hashing.
result<bool> host_field_matches(std::string_view field, std::string_view name);

}  // namespace sshlib::keys
