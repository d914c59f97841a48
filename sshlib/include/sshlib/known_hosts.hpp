// OpenSSH known_hosts files (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT): host patterns with
// wildcards and negation, "[host]:port" for other ports, hashed names ("|1|salt|hash"),
// @cert-authority and @revoked markers. The client's host verification can use them.
#pragma once

#include <sshlib/client.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

enum class host_key_status {
  trusted,        // a plain entry for the host lists this key
  trusted_by_ca,  // a host certificate, valid now for this host, signed by a listed CA
  revoked,        // the key, or the CA that signed it, is listed under @revoked
  changed,        // the host is known with another key of the same type: a possible attack
  unknown,        // no entry for this host and key type
};

std::string_view to_string(host_key_status s) noexcept;

struct known_hosts_warning {
  std::size_t line = 0;  // 1-based
  std::string reason;
};

class known_hosts {
public:
  /// Parses a file's text. Malformed lines are skipped, as OpenSSH does, and reported by
  /// warnings(). Errors: length_exceeds_limit (more than 100000 entries).
  static result<known_hosts> parse(std::string_view text);
  /// Reads and parses a file (at most 64 MiB). Errors: invalid_value when it cannot be read.
  static result<known_hosts> load(const std::filesystem::path& file);

  /// Decides on `host_key` for host:port. `now` (Unix seconds) is for certificate validity;
  /// 0 means the current time.
  host_key_status check(std::string_view host, std::uint16_t port, const key& host_key, std::uint64_t now = 0) const;

  const std::vector<known_hosts_warning>& warnings() const noexcept { return warnings_; }
  std::size_t size() const noexcept { return entries_.size(); }

  /// A line for the file, hashed ("|1|salt|hash", random salt) or plain.
  static std::string format_entry(std::string_view host, std::uint16_t port, const key& host_key, bool hashed);

private:
  struct entry {
    enum class marker { none, cert_authority, revoked } mark = marker::none;
    std::vector<std::string> patterns;  // plain patterns (may start with '!')
    bytes salt, hash;                   // hashed entry, when salt is not empty
    std::optional<key> host_key;        // always set once parsed
  };
  bool matches(const entry& e, std::string_view name) const;

  std::vector<entry> entries_;
  std::vector<known_hosts_warning> warnings_;
};

/// A client_config::host_verifier that accepts trusted and trusted_by_ca and refuses the
/// rest, telling `log` why (e.g. "host key for [h]:2222 changed: SHA256:...").
std::function<void(const host_key_info&, detail::unique_function<void(bool)>)> make_known_hosts_verifier(
    known_hosts hosts, std::function<void(std::string_view)> log = {});

}  // namespace sshlib
