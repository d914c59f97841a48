// check_public_key: listed plain keys, and user certificates from trusted CAs.
#include <bastion/policy/authentication.hpp>

#include "policy_fixtures.hpp"

namespace bastion::policy {
namespace {

constexpr std::uint64_t now = 1'700'000'000;

class PublicKeyAuth : public ::testing::Test {
 protected:
  sshlib::key alice_key_ = test::new_key();
  sshlib::key other_key_ = test::new_key(sshlib::key_type::ecdsa_p256);
  sshlib::key ca_ = test::new_key();
  sshlib::key rogue_ca_ = test::new_key();
  std::shared_ptr<const policy_set> p_;

  void SetUp() override {
    auto doc = test::base_policy(alice_key_);
    doc["user_certificate_authorities"] = {{{"public_key", test::public_line(ca_)}}};
    p_ = test::must_load(doc);
    ASSERT_TRUE(p_);
  }

  decision check(const test::user_cert_fields& f, std::string_view user = "alice",
                 std::string_view source = {}) {
    return check_public_key(*p_, user, test::make_user_cert(other_key_, ca_, f), now, source);
  }
};

TEST_F(PublicKeyAuth, ListedKeyIsAcceptedWithItsFingerprint) {
  const auto d = check_public_key(*p_, "alice", alice_key_.public_only(), now);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "public key " + alice_key_.fingerprint_sha256() + " accepted for alice");
  EXPECT_TRUE(d.rule.empty());
}

TEST_F(PublicKeyAuth, UnlistedKeyAndUnknownUserAreRefused) {
  const auto d = check_public_key(*p_, "alice", other_key_, now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "public key " + other_key_.fingerprint_sha256() + " is not listed for alice");
  EXPECT_FALSE(check_public_key(*p_, "bob", alice_key_, now));
  EXPECT_EQ(check_public_key(*p_, "zed", alice_key_, now).reason,
            "public key refused: unknown user \"zed\"");
}

TEST_F(PublicKeyAuth, CertificateFromTrustedCaNamingTheUser) {
  const auto d = check({});
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_NE(d.reason.find("certificate \"alice@example\" (serial 42, CA " +
                          ca_.fingerprint_sha256() + ")"),
            std::string::npos)
      << d.reason;
  EXPECT_NE(d.reason.find("(key " + other_key_.fingerprint_sha256() + ")"), std::string::npos);
}

TEST_F(PublicKeyAuth, CertificateForAnotherPrincipalIsRefused) {
  test::user_cert_fields f;
  f.principals = {"bob", "root"};
  const auto d = check(f);
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("refused for alice"), std::string::npos) << d.reason;
}

TEST_F(PublicKeyAuth, CertificateWithoutPrincipalsIsRefused) {
  test::user_cert_fields f;
  f.principals.clear();
  EXPECT_NE(check(f).reason.find("lists no principals"), std::string::npos);
}

TEST_F(PublicKeyAuth, ExpiredAndNotYetValidCertificatesAreRefused) {
  test::user_cert_fields expired;
  expired.valid_before = now - 1;
  EXPECT_FALSE(check(expired));
  test::user_cert_fields future;
  future.valid_after = now + 60;
  EXPECT_FALSE(check(future));
}

TEST_F(PublicKeyAuth, HostCertificateIsNotAUserCertificate) {
  test::user_cert_fields f;
  f.type = 2;
  EXPECT_FALSE(check(f));
}

TEST_F(PublicKeyAuth, UntrustedCaIsRefused) {
  const auto d =
      check_public_key(*p_, "alice", test::make_user_cert(other_key_, rogue_ca_, {}), now);
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("CA " + rogue_ca_.fingerprint_sha256() +
                          ") is signed by a CA the policy does not trust"),
            std::string::npos)
      << d.reason;
}

TEST_F(PublicKeyAuth, CertificateOfAListedKeyStillNeedsATrustedCa) {
  EXPECT_FALSE(
      check_public_key(*p_, "alice", test::make_user_cert(alice_key_, rogue_ca_, {}), now));
}

TEST_F(PublicKeyAuth, SourceAddressOptionIsEnforced) {
  test::user_cert_fields f;
  f.critical_options = {{"source-address", "10.0.0.0/8,2001:db8::/32"}};
  EXPECT_TRUE(check(f, "alice", "10.1.2.3"));
  EXPECT_TRUE(check(f, "alice", "2001:db8::9"));
  const auto d = check(f, "alice", "192.0.2.7");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("does not allow connections from 192.0.2.7"), std::string::npos);
  EXPECT_FALSE(check(f, "alice", ""));
}

TEST_F(PublicKeyAuth, ForceCommandIsRefused) {
  test::user_cert_fields f;
  f.critical_options = {{"force-command", "/bin/true"}};
  EXPECT_NE(check(f).reason.find("force-command"), std::string::npos);
}

TEST_F(PublicKeyAuth, UnknownCriticalOptionIsRefused) {
  test::user_cert_fields f;
  f.critical_options = {{"made-up@example.com", "x"}};
  EXPECT_FALSE(check(f));
}

}  // namespace
}  // namespace bastion::policy
