// Addresses and CIDR networks (network.hpp), parsed with inet_pton.
#include <bastion/policy/network.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace bastion::policy {

namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

sshlib::result<ip_address> parse_ip_address(std::string_view text) {
  // inet_pton needs a terminated string; no address is longer than 45 characters.
  if (text.empty() || text.size() > 45) {
    return {sshlib::errc::invalid_value,
            "\"" + std::string(text.substr(0, 64)) + "\" is not an IP address"};
  }
  const std::string s(text);
  ip_address a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  std::array<std::uint8_t, 16> raw{};
  if (inet_pton(AF_INET6, s.c_str(), raw.data()) != 1) {
    return {sshlib::errc::invalid_value, "\"" + s + "\" is not an IPv4 or IPv6 address"};
  }
  if (std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), raw.begin())) {
    std::copy(raw.begin() + 12, raw.end(), a.bytes.begin());
    return a;
  }
  a.v6 = true;
  a.bytes = raw;
  return a;
}

bool ip_network::contains(const ip_address& a) const noexcept {
  if (a.v6 != base.v6) return false;
  const unsigned full = prefix / 8;
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + full, a.bytes.begin())) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == base.bytes[full];
}

sshlib::result<ip_network> parse_network(std::string_view text) {
  const auto slash = text.find('/');
  auto addr = parse_ip_address(text.substr(0, slash));
  if (!addr) {
    return {sshlib::errc::invalid_value,
            "\"" + std::string(text.substr(0, 64)) + "\" is not a network: " + addr.error().detail};
  }
  const unsigned width = addr->v6 ? 128 : 32;
  unsigned prefix = width;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
        prefix > width) {
      return {sshlib::errc::invalid_value,
              "\"" + std::string(text) + "\" has an invalid prefix length (0-" +
                  std::to_string(width) + " for IPv" + (addr->v6 ? "6" : "4") + ")"};
    }
  }
  ip_network n{*addr, prefix, std::string(text)};
  // Clear the host bits and refuse them when they were set: "10.0.0.1/8" is likely a typo.
  for (unsigned bit = prefix; bit < width; ++bit) {
    n.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  if (!(n.base == *addr)) {
    return {sshlib::errc::invalid_value, "\"" + std::string(text) +
                                             "\" has host bits set below its /" +
                                             std::to_string(prefix) + " prefix"};
  }
  return n;
}

}  // namespace bastion::policy
