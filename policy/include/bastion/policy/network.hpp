// IPv4 and IPv6 addresses and CIDR networks for source_networks rules: parsed with
// inet_pton, no Asio. An IPv4-mapped IPv6 address (::ffff:192.0.2.7, what a dual-stack
// listener reports for IPv4 clients) is treated as the IPv4 address it carries.
#pragma once

#include <sshlib/result.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bastion::policy {

struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4 bytes

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// Parses "192.0.2.7", "2001:db8::1" or "::ffff:192.0.2.7" (-> IPv4). Errors: invalid_value
/// with a message naming the text.
sshlib::result<ip_address> parse_ip_address(std::string_view text);

struct ip_network {
  ip_address base;  // host bits cleared
  unsigned prefix = 0;
  std::string text;  // as written in the policy

  /// True when `a` is of the same family and its first `prefix` bits equal base's.
  bool contains(const ip_address& a) const noexcept;
};

/// Parses "10.0.0.0/8", "::1/128", or an address alone (a /32 or /128). Host bits set
/// below the prefix ("10.0.0.1/8") are refused, as a likely mistake. Errors: invalid_value.
sshlib::result<ip_network> parse_network(std::string_view text);

}  // namespace bastion::policy
