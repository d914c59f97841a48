// make_known_hosts_verifier: the verdicts of known_hosts::check() become the client's
// accept/reject, with a log line saying why.
#include <sshlib/known_hosts.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace sshlib {
namespace {

key must_generate(key_type t) {
  auto k = generate_key(t);
  if (!k) throw std::runtime_error(k.error().message());
  return k->public_only();
}

class KnownHostsVerifier : public ::testing::Test {
protected:
  // Runs the verifier once; nullopt if it did not answer before returning.
  std::optional<bool> verify(const std::string& text, const key& k, std::string host, std::uint16_t port = 22) {
    auto kh = known_hosts::parse(text, "kh");
    if (!kh) throw std::runtime_error(kh.error().message());
    auto verifier =
        make_known_hosts_verifier(std::move(*kh), [this](std::string_view line) { log_.emplace_back(line); });
    std::optional<bool> verdict;
    verifier(host_key_info{k, k.type(), k.fingerprint_sha256(), std::move(host), port},
             [&verdict](bool ok) { verdict = ok; });
    return verdict;
  }
  bool logged(std::string_view what) const {
    for (const auto& l : log_) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  }

  key host_ = must_generate(key_type::ed25519);
  key other_ = must_generate(key_type::ed25519);
  std::vector<std::string> log_;
};

TEST_F(KnownHostsVerifier, AcceptsTrustedKeysAndSaysWhy) {
  EXPECT_EQ(verify("host.example " + host_.public_ssh() + "\n", host_, "host.example"), true);
  EXPECT_TRUE(logged("accepting " + host_.fingerprint_sha256())) << log_.front();
  EXPECT_TRUE(logged("(trusted)"));
}

TEST_F(KnownHostsVerifier, RejectsUnknownChangedAndRevokedKeys) {
  EXPECT_EQ(verify("", host_, "host.example"), false);
  EXPECT_TRUE(logged("(unknown)"));
  EXPECT_EQ(verify("host.example " + other_.public_ssh() + "\n", host_, "host.example"), false);
  EXPECT_TRUE(logged("(changed)"));
  EXPECT_EQ(verify("host.example " + host_.public_ssh() + "\n@revoked * " + host_.public_ssh() + "\n", host_,
                   "host.example"),
            false);
  EXPECT_TRUE(logged("(revoked)"));
  EXPECT_TRUE(logged("rejecting " + host_.fingerprint_sha256()));
}

TEST_F(KnownHostsVerifier, UsesThePortOfTheConnection) {
  const std::string kh = "[host.example]:2222 " + host_.public_ssh() + "\n";
  EXPECT_EQ(verify(kh, host_, "host.example", 2222), true);
  EXPECT_EQ(verify(kh, host_, "host.example", 22), false);
}

TEST_F(KnownHostsVerifier, RejectsConnectionsWithoutAHostName) {
  EXPECT_EQ(verify("* " + host_.public_ssh() + "\n", host_, "", 0), false);
  EXPECT_TRUE(logged("no host name"));
}

TEST_F(KnownHostsVerifier, LogsSkippedLinesOnce) {
  EXPECT_EQ(verify("garbage\nhost.example " + host_.public_ssh() + "\n", host_, "host.example"), true);
  EXPECT_TRUE(logged("kh:1: line skipped"));
}

TEST_F(KnownHostsVerifier, WorksWithoutALogAndCanBeCopied) {
  auto kh = known_hosts::parse("host.example " + host_.public_ssh() + "\n");
  ASSERT_TRUE(kh);
  client_config config;
  config.host_verifier = make_known_hosts_verifier(std::move(*kh));
  const auto copy = config.host_verifier;
  std::optional<bool> verdict;
  copy(host_key_info{host_, host_.type(), host_.fingerprint_sha256(), "host.example", 22},
       [&verdict](bool ok) { verdict = ok; });
  EXPECT_EQ(verdict, true);
}

}  // namespace
}  // namespace sshlib
