#include "crypto/hmac.hpp"
#include "keys/base64.hpp"

#include <sshlib/known_hosts.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

std::string line(const std::string& hosts, const key& k) { return hosts + " " + k.public_only().with_comment({}).public_ssh() + "\n"; }

class KnownHosts : public ::testing::Test {
protected:
  key a = generate_key(key_type::ed25519).value();
  key b = generate_key(key_type::ed25519).value();
  key c = generate_key(key_type::ecdsa_p256).value();
};

TEST_F(KnownHosts, PatternsPortsAndNegation) {
  const auto kh = known_hosts::parse(line("web*.example.com,!web9.example.com", a) + line("[10.0.0.1]:2222", b) +
                                     line("db?.example.com", c))
                      .value();
  EXPECT_EQ(kh.check("web1.example.com", 22, a), host_key_status::trusted);
  EXPECT_EQ(kh.check("WEB2.EXAMPLE.COM", 22, a), host_key_status::trusted);
  EXPECT_EQ(kh.check("web9.example.com", 22, a), host_key_status::unknown);
  EXPECT_EQ(kh.check("web1.example.com", 2222, a), host_key_status::unknown);
  EXPECT_EQ(kh.check("10.0.0.1", 2222, b), host_key_status::trusted);
  EXPECT_EQ(kh.check("10.0.0.1", 22, b), host_key_status::unknown);
  EXPECT_EQ(kh.check("db1.example.com", 22, c), host_key_status::trusted);
  EXPECT_EQ(kh.check("db12.example.com", 22, c), host_key_status::unknown);
}

TEST_F(KnownHosts, ChangedKeyOfTheSameTypeIsFlagged) {
  const auto kh = known_hosts::parse(line("host", a)).value();
  EXPECT_EQ(kh.check("host", 22, b), host_key_status::changed);
  EXPECT_EQ(kh.check("host", 22, c), host_key_status::unknown);  // another type: not known yet
}

TEST_F(KnownHosts, HashedEntries) {
  for (std::uint16_t port : {22, 2022}) {
    const std::string entry = known_hosts::format_entry("secret.example", port, a, true);
    EXPECT_TRUE(entry.starts_with("|1|"));
    EXPECT_EQ(entry.find("secret"), std::string::npos);
    const auto kh = known_hosts::parse(entry + "\n").value();
    EXPECT_EQ(kh.check("secret.example", port, a), host_key_status::trusted);
    EXPECT_EQ(kh.check("other.example", port, a), host_key_status::unknown);
  }
}

TEST_F(KnownHosts, RevokedBeatsTrusted) {
  const auto kh = known_hosts::parse(line("host", a) + "@revoked " + line("*", a)).value();
  EXPECT_EQ(kh.check("host", 22, a), host_key_status::revoked);
}

TEST_F(KnownHosts, MalformedLinesAreSkippedWithTheirNumbers) {
  const auto kh = known_hosts::parse("# comment\n\nonly-a-host\n" + line("ok", a) + "@bogus " + line("x", b) +
                                     "host ssh-ed25519 AAAA!!!\n|1|bad|hash " + line("", a))
                      .value();
  EXPECT_EQ(kh.size(), 1u);
  ASSERT_EQ(kh.warnings().size(), 4u);
  EXPECT_EQ(kh.warnings()[0].line, 3u);
  EXPECT_EQ(kh.warnings()[1].line, 5u);
  EXPECT_EQ(kh.check("ok", 22, a), host_key_status::trusted);
}

}  // namespace
}  // namespace sshlib
