// OpenSSH certificates made by `ssh-keygen -s` parse and verify; each rule of
// verify_certificate rejects what it should.
#include "ssh_keygen_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace sshlib::test {
namespace {

std::uint64_t now_seconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

class SshKeygenCerts : public ::testing::Test {
protected:
  void SetUp() override {
    if (!program_available("ssh-keygen")) GTEST_SKIP() << "ssh-keygen not installed";
  }
  // Makes a CA of ca_type and a subject of subject_type; signs with extra args; returns the cert.
  key make_cert(const std::string& ca_type, const std::string& subject_type, std::vector<std::string> sign_args) {
    const auto ca = dir_ / ("ca-" + ca_type + std::to_string(n_));
    const auto subject = dir_ / ("subject-" + subject_type + std::to_string(n_++));
    keygen({"-t", ca_type, "-q", "-N", "", "-f", ca.string()});
    keygen({"-t", subject_type, "-q", "-N", "", "-f", subject.string()});
    std::vector<std::string> args{"-q", "-s", ca.string()};
    args.insert(args.end(), sign_args.begin(), sign_args.end());
    args.push_back(subject.string() + ".pub");
    keygen(args);
    cert_file_ = subject.string() + "-cert.pub";
    subject_pub_ = parse_file(subject.string() + ".pub");
    ca_pub_ = parse_file(ca.string() + ".pub");
    return parse_file(cert_file_);
  }
  temp_dir dir_;
  int n_ = 0;
  std::string cert_file_;
  std::optional<key> subject_pub_, ca_pub_;
};

TEST_F(SshKeygenCerts, UserCertificateOfEveryTypeParsesAndVerifies) {
  for (const char* type : {"ed25519", "ecdsa", "rsa", "dsa"}) {
    SCOPED_TRACE(type);
    const key cert = make_cert("ed25519", type, {"-I", "key-id-1", "-n", "alice,bob", "-V", "-5m:+1h", "-z", "42"});
    ASSERT_TRUE(cert.is_certificate());
    EXPECT_NE(cert.type().find("-cert-v01@openssh.com"), std::string::npos);
    const certificate* c = cert.certificate();
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->key_id, "key-id-1");
    EXPECT_EQ(c->serial, 42u);
    EXPECT_EQ(c->type, certificate_type::user);
    EXPECT_EQ(c->principals, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_EQ(c->signature_key, ca_pub_->public_blob());
    EXPECT_TRUE(cert.plain().equals(*subject_pub_));
    // Default extensions of ssh-keygen user certificates.
    bool has_pty = false;
    for (const auto& e : c->extensions) has_pty |= e.name == "permit-pty";
    EXPECT_TRUE(has_pty);
    EXPECT_EQ(cert.fingerprint_sha256(), keygen_fingerprint(cert_file_));

    const std::uint64_t now = now_seconds();
    EXPECT_TRUE(cert.verify_certificate(now, certificate_type::user, "alice"));
    EXPECT_TRUE(cert.verify_certificate(now, certificate_type::user, "bob"));
    EXPECT_EQ(cert.verify_certificate(now, certificate_type::user, "carol").code(), errc::principal_not_allowed);
    EXPECT_EQ(cert.verify_certificate(now, certificate_type::user, "ALICE").code(), errc::principal_not_allowed);
    EXPECT_EQ(cert.verify_certificate(now, certificate_type::host, "alice").code(), errc::certificate_wrong_type);
    EXPECT_EQ(cert.verify_certificate(now + 2 * 3600, certificate_type::user, "alice").code(),
              errc::certificate_expired);
    EXPECT_EQ(cert.verify_certificate(now - 3600, certificate_type::user, "alice").code(),
              errc::certificate_not_yet_valid);
  }
}

TEST_F(SshKeygenCerts, HostCertificateSignedByRsaCaVerifies) {
  for (const char* alg : {"rsa-sha2-256", "rsa-sha2-512"}) {
    SCOPED_TRACE(alg);
    const key cert = make_cert("rsa", "ecdsa", {"-t", alg, "-h", "-I", "host", "-n", "host.example.com", "-V", "+1h"});
    EXPECT_EQ(cert.certificate()->type, certificate_type::host);
    const std::uint64_t now = now_seconds();
    EXPECT_TRUE(cert.verify_certificate(now, certificate_type::host, "host.example.com"));
    EXPECT_EQ(cert.verify_certificate(now, certificate_type::user, "host.example.com").code(),
              errc::certificate_wrong_type);
  }
}

TEST_F(SshKeygenCerts, EmptyPrincipalListAllowsAnyPrincipal) {
  const key cert = make_cert("ecdsa", "ed25519", {"-I", "anyone", "-V", "-1m:+1h"});
  EXPECT_TRUE(cert.certificate()->principals.empty());
  EXPECT_TRUE(cert.verify_certificate(now_seconds(), certificate_type::user, "whoever"));
}

TEST_F(SshKeygenCerts, KnownCriticalOptionsAreExposedAndUnknownOnesRefused) {
  const key known = make_cert("ed25519", "ed25519",
                              {"-I", "opts", "-n", "alice", "-O", "force-command=/bin/true", "-O",
                               "source-address=10.0.0.0/8", "-V", "-1m:+1h"});
  ASSERT_EQ(known.certificate()->critical_options.size(), 2u);
  EXPECT_TRUE(known.verify_certificate(now_seconds(), certificate_type::user, "alice"));
  const auto& fc = known.certificate()->critical_options[0];
  EXPECT_EQ(fc.name, "force-command");
  // The data is an SSH string holding the command.
  EXPECT_EQ(std::string(fc.data.begin() + 4, fc.data.end()), "/bin/true");

  const key unknown = make_cert("ed25519", "ed25519",
                                {"-I", "opts", "-n", "alice", "-O", "critical:made-up@example.com=x", "-V", "-1m:+1h"});
  EXPECT_EQ(unknown.verify_certificate(now_seconds(), certificate_type::user, "alice").code(),
            errc::unknown_critical_option);
}

TEST_F(SshKeygenCerts, TamperedCertificateFailsItsCaSignature) {
  const key cert = make_cert("ed25519", "ed25519", {"-I", "id", "-n", "alice", "-V", "-1m:+1h"});
  bytes blob = cert.public_blob();
  // Change the principal "alice" to "Alice": the blob still parses but no longer verifies.
  const std::string blob_text(blob.begin(), blob.end());
  const auto pos = blob_text.find("alice");
  ASSERT_NE(pos, std::string::npos);
  blob[pos] = 'A';
  const auto tampered = key::from_public_blob(blob);
  ASSERT_TRUE(tampered) << tampered.error().message();
  EXPECT_EQ(tampered->verify_certificate(now_seconds(), certificate_type::user, "Alice").code(),
            errc::certificate_invalid);
}

}  // namespace
}  // namespace sshlib::test
