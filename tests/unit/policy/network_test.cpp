// Addresses and CIDR networks for source_networks.
#include <bastion/policy/network.hpp>

#include <gtest/gtest.h>

namespace bastion::policy {
namespace {

ip_network net(std::string_view text) {
  auto n = parse_network(text);
  if (!n) throw std::runtime_error(n.error().detail);
  return *n;
}

ip_address addr(std::string_view text) {
  auto a = parse_ip_address(text);
  if (!a) throw std::runtime_error(a.error().detail);
  return *a;
}

TEST(Network, Ipv4PrefixMatches) {
  const auto n = net("10.0.0.0/8");
  EXPECT_TRUE(n.contains(addr("10.1.2.3")));
  EXPECT_FALSE(n.contains(addr("11.0.0.1")));
  EXPECT_FALSE(n.contains(addr("::1")));
}

TEST(Network, OddPrefixLengths) {
  const auto n = net("192.168.4.0/22");
  EXPECT_TRUE(n.contains(addr("192.168.7.255")));
  EXPECT_FALSE(n.contains(addr("192.168.8.0")));
  EXPECT_TRUE(net("0.0.0.0/0").contains(addr("203.0.113.9")));
}

TEST(Network, Ipv6) {
  const auto n = net("2001:db8::/32");
  EXPECT_TRUE(n.contains(addr("2001:db8:1::5")));
  EXPECT_FALSE(n.contains(addr("2001:db9::1")));
  EXPECT_TRUE(net("::1/128").contains(addr("::1")));
  EXPECT_FALSE(net("::1/128").contains(addr("::2")));
}

TEST(Network, AddressAloneIsAHostNetwork) {
  EXPECT_EQ(net("192.0.2.7").prefix, 32u);
  EXPECT_EQ(net("2001:db8::7").prefix, 128u);
}

TEST(Network, MappedIpv4IsIpv4) {
  EXPECT_TRUE(net("127.0.0.0/8").contains(addr("::ffff:127.0.0.1")));
  EXPECT_FALSE(addr("::ffff:127.0.0.1").v6);
}

TEST(Network, RejectsBadSyntax) {
  for (const auto* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0/8", "host/8",
                          "", "10.0.0.0/8/8", "10.0.0.0/-1"}) {
    EXPECT_FALSE(parse_network(bad)) << bad;
  }
  EXPECT_NE(
      parse_network("10.0.0.0/33").error().detail.find("invalid prefix length (0-32 for IPv4)"),
      std::string::npos);
}

TEST(Network, RejectsHostBitsBelowThePrefix) {
  const auto n = parse_network("10.0.0.1/8");
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().detail.find("host bits set below its /8 prefix"), std::string::npos);
}

TEST(Network, RejectsNonAddresses) {
  EXPECT_FALSE(parse_ip_address("localhost"));
  EXPECT_FALSE(parse_ip_address("10.0.0.1 "));
  EXPECT_FALSE(parse_ip_address(std::string(100, '1')));
}

}  // namespace
}  // namespace bastion::policy
