#include "keys/known_hosts.hpp"

#include "keys/hashed_host.hpp"
#include "keys/host_patterns.hpp"
#include "keys/key_impl.hpp"
#include "keys/key_limits.hpp"
#include "keys/public_line.hpp"

#include <algorithm>

namespace sshlib::keys {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// The next blank-separated field of s, which then starts after it.
std::string_view next_field(std::string_view& s) {
  s = skip_blanks(s);
  std::size_t i = 0;
  while (i < s.size() && !is_blank(s[i])) ++i;
  const std::string_view field = s.substr(0, i);
  s.remove_prefix(i);
  return field;
}

// A field from the file, quoted for a warning: short, and with nothing unprintable.
std::string quoted(std::string_view s) {
  constexpr std::size_t max_shown = 40;
  std::string out = "\"";
  for (const char c : s.substr(0, max_shown)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out + (s.size() > max_shown ? "...\"" : "\"");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string known_hosts_name(std::string_view host, std::uint16_t port) {
  std::string name = ascii_lower(host);
  if (port == 0 || port == default_ssh_port) return name;
  return "[" + name + "]:" + std::to_string(port);
}

result<std::optional<known_hosts_entry>> parse_known_hosts_line(std::string_view line, std::size_t line_number) {
  if (line.size() > limits::max_known_hosts_line) {
    return error{errc::length_exceeds_limit, "line of " + std::to_string(line.size()) + " bytes, over the " +
                                                 std::to_string(limits::max_known_hosts_line) + "-byte limit"};
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  line = skip_blanks(line);
  if (line.empty() || line.front() == '#') return std::optional<known_hosts_entry>{};

  auto marker = known_hosts_marker::none;
  std::string_view hosts = next_field(line);
  if (hosts.front() == '@') {
    if (hosts == cert_authority_marker) {
      marker = known_hosts_marker::cert_authority;
    } else if (hosts == revoked_marker) {
      marker = known_hosts_marker::revoked;
    } else {
      return error{errc::invalid_value, "unknown marker " + quoted(hosts)};
    }
    hosts = next_field(line);
    if (hosts.empty()) return error{errc::invalid_value, "no host names after the marker"};
    if (hosts.front() == '@') return error{errc::invalid_value, "more than one marker"};
  }
  if (is_hashed_host_field(hosts)) {
    auto hashed = parse_hashed_host(hosts);
    if (!hashed) return std::move(hashed).error();
  }

  const std::string_view rest = skip_blanks(line);
  if (rest.empty()) return error{errc::invalid_value, "no key after the host names"};
  if (std::string_view type = rest; all_digits(next_field(type))) {
    return error{errc::unsupported_key_type, "an SSH-1 RSA key (bits, exponent, modulus)"};
  }
  auto impl = parse_public_line(rest);
  if (!impl) return std::move(impl).error();
  if (impl->cert) {
    // ssh(1) never records certificates; trusting one means listing its CA.
    return error{errc::invalid_value, "a certificate where a key belongs (list its CA with @cert-authority)"};
  }
  return std::optional<known_hosts_entry>{
      known_hosts_entry{line_number, marker, std::string(hosts), make_key(std::move(*impl))}};
}

result<bool> host_field_matches(std::string_view field, std::string_view name) {
  if (is_hashed_host_field(field)) {
    auto hashed = parse_hashed_host(field);
    if (!hashed) return false;
    return hashed_host_matches(*hashed, name);
  }
  return match_pattern_list(name, field) == pattern_list_match::matched;
}

}  // namespace sshlib::keys
