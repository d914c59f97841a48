// Hashed host names in known_hosts (ssh_config HashKnownHosts, `ssh-keygen -H`):
//   "|1|" base64(salt) "|" base64(HMAC-SHA1(key = salt, data = name))
// where name is what ssh(1) looks up ("host", or "[host]:port" off port 22, lower case)
// and salt is 20 random bytes. One hashed name per line; no patterns.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view hashed_host_magic = "|1|";
/// OpenSSH's extract_salt accepts exactly the HMAC-SHA1 size, and host_hash writes it.
inline constexpr std::size_t hashed_host_salt_size = 20;
inline constexpr std::size_t hashed_host_hash_size = 20;

struct hashed_host {
  bytes salt;  // hashed_host_salt_size bytes
  bytes hash;  // hashed_host_hash_size bytes
};

/// True when a host field is in hashed form (starts with '|'); such a field is never a
/// pattern list, even when it is malformed.
inline bool is_hashed_host_field(std::string_view field) noexcept {
  return !field.empty() && field.front() == '|';
}

/// Parses "|1|salt|hash". Errors: invalid_value saying which part is wrong (magic, salt or
/// hash not base64 or of the wrong size, extra '|' fields); length_exceeds_limit for a salt
/// field over limits::max_hashed_salt_field characters.
result<hashed_host> parse_hashed_host(std::string_view field);

/// HMAC-SHA1 of name keyed with salt. Errors: crypto_failure if OpenSSL fails.
result<bytes> hash_host_name(byte_view salt, std::string_view name);

/// Whether name hashes to h.hash under h.salt. Errors: those of hash_host_name.
result<bool> hashed_host_matches(const hashed_host& h, std::string_view name);

/// "|1|salt|hash" for name under salt (for a new entry, salt is hashed_host_salt_size
/// random bytes). Errors: those of hash_host_name.
result<std::string> format_hashed_host(std::string_view name, byte_view salt);

}  // namespace sshlib::keys
