// known_hosts::check(): every verdict, with host certificates built here (PROTOCOL.certkeys)
// and signed by a generated CA, so each certificate rule can be bent one at a time.
#include <sshlib/known_hosts.hpp>

#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sshlib {
namespace {

constexpr std::uint64_t now = 1'700'000'000;
constexpr std::uint64_t forever = ~std::uint64_t{0};

key must_generate(key_type t) {
  auto k = generate_key(t);
  if (!k) throw std::runtime_error(k.error().message());
  return *k;
}

std::string key_text(const key& k) { return k.public_only().with_comment({}).public_ssh(); }

struct cert_spec {
  certificate_type type = certificate_type::host;
  std::vector<std::string> principals{"host.example"};
  std::uint64_t valid_after = now - 60;
  std::uint64_t valid_before = now + 3600;
  std::vector<std::pair<std::string, std::string>> critical_options;
};

// The default host certificate for host.example, valid around `now`, with one change.
template <class Edit>
cert_spec spec(Edit edit) {
  cert_spec s;
  edit(s);
  return s;
}

// A certificate of subject signed by ca, field by field (PROTOCOL.certkeys). `claimed_ca`,
// if given, is written as the signature key instead of ca's: a forgery.
key make_certificate(const key& subject, const key& ca, const cert_spec& spec, const key* claimed_ca = nullptr) {
  const bytes plain = subject.public_blob();
  wire::reader r(plain);
  std::string type;
  byte_view fields;
  if (!(r.read_string(type) && r.read_raw(fields, r.remaining()))) throw std::runtime_error("bad public blob");
  bytes blob;
  wire::writer w(blob);
  w.write_string(type + "-cert-v01@openssh.com");
  w.write_string(bytes(32, 0x42));  // nonce
  w.write_raw(fields);
  w.write_u64(7);  // serial
  w.write_u32(static_cast<std::uint32_t>(spec.type));
  w.write_string(std::string_view("test-cert"));
  bytes principals;
  wire::writer pw(principals);
  for (const auto& p : spec.principals) pw.write_string(p);
  w.write_string(principals);
  w.write_u64(spec.valid_after);
  w.write_u64(spec.valid_before);
  bytes options;
  wire::writer ow(options);
  for (const auto& [name, value] : spec.critical_options) {
    bytes data;
    wire::writer(data).write_string(value);
    ow.write_string(name);
    ow.write_string(data);
  }
  w.write_string(options);
  w.write_string(bytes{});  // extensions
  w.write_string(bytes{});  // reserved
  w.write_string((claimed_ca != nullptr ? *claimed_ca : ca).public_blob());
  auto sig = ca.sign(blob);
  if (!sig) throw std::runtime_error(sig.error().message());
  w.write_string(*sig);
  auto cert = key::from_public_blob(blob);
  if (!cert) throw std::runtime_error(cert.error().message());
  return *cert;
}

class KnownHostsCheck : public ::testing::Test {
protected:
  known_hosts parse(const std::string& text) {
    auto kh = known_hosts::parse(text, "kh");
    if (!kh) throw std::runtime_error(kh.error().message());
    EXPECT_TRUE(kh->warnings().empty()) << kh->warnings().front().reason;
    return std::move(*kh);
  }
  host_key_status check(const std::string& text, std::string_view host, const key& k, std::uint16_t port = 22,
                        std::uint64_t when = now) {
    return parse(text).check(host, port, k, when);
  }

  key host_ = must_generate(key_type::ed25519);
  key other_ = must_generate(key_type::ed25519);
  key ecdsa_ = must_generate(key_type::ecdsa_p256);
  key ecdsa384_ = must_generate(key_type::ecdsa_p384);
  key ca_ = must_generate(key_type::ed25519);
  key other_ca_ = must_generate(key_type::ecdsa_p256);
};

TEST_F(KnownHostsCheck, ListedKeyIsTrustedOnlyForMatchingHosts) {
  const std::string kh = "# hosts\nhost.example,10.0.0.1 " + key_text(host_) + "\n";
  const auto st = check(kh, "host.example", host_);
  EXPECT_EQ(st.verdict, host_key_status::trusted);
  EXPECT_TRUE(st.is_trusted());
  EXPECT_EQ(st.line, 2u);
  EXPECT_NE(st.detail.find("kh:2:"), std::string::npos) << st.detail;
  EXPECT_NE(st.detail.find(host_.fingerprint_sha256()), std::string::npos) << st.detail;
  EXPECT_EQ(check(kh, "10.0.0.1", host_).verdict, host_key_status::trusted);
  EXPECT_EQ(check(kh, "HOST.EXAMPLE", host_).verdict, host_key_status::trusted);
  const auto unknown = check(kh, "other.example", host_);
  EXPECT_EQ(unknown.verdict, host_key_status::unknown);
  EXPECT_FALSE(unknown.is_trusted());
  EXPECT_EQ(unknown.line, 0u);
  EXPECT_NE(unknown.detail.find("other.example"), std::string::npos) << unknown.detail;
}

TEST_F(KnownHostsCheck, PrivateHalfAndCommentDoNotMatter) {
  EXPECT_EQ(check("h " + key_text(host_) + " a comment\n", "h", host_.with_comment("other")).verdict,
            host_key_status::trusted);
}

TEST_F(KnownHostsCheck, WildcardsAndNegation) {
  const std::string kh = "*.lab.example,!pc.lab.example " + key_text(host_) + "\n";
  EXPECT_EQ(check(kh, "ws.lab.example", host_).verdict, host_key_status::trusted);
  EXPECT_EQ(check(kh, "pc.lab.example", host_).verdict, host_key_status::unknown);
  EXPECT_EQ(check(kh, "lab.example", host_).verdict, host_key_status::unknown);
  EXPECT_EQ(check("web? " + key_text(host_) + "\n", "web7", host_).verdict, host_key_status::trusted);
}

TEST_F(KnownHostsCheck, NonStandardPortsUseTheBracketForm) {
  const std::string kh = "[host.example]:2222 " + key_text(host_) + "\nhost.example " + key_text(other_) + "\n";
  EXPECT_EQ(check(kh, "host.example", host_, 2222).verdict, host_key_status::trusted);
  EXPECT_EQ(check(kh, "host.example", other_, 22).verdict, host_key_status::trusted);
  EXPECT_EQ(check(kh, "host.example", other_, 0).verdict, host_key_status::trusted);
  // The port-22 entry does not vouch for port 2222, and the reverse.
  EXPECT_EQ(check(kh, "host.example", other_, 2222).verdict, host_key_status::changed);
  EXPECT_EQ(check(kh, "host.example", host_, 22).verdict, host_key_status::changed);
  EXPECT_EQ(check(kh, "host.example", host_, 2223).verdict, host_key_status::unknown);
}

TEST_F(KnownHostsCheck, ChangedOnlyForAnotherKeyOfTheSameType) {
  const std::string kh = "host.example " + key_text(other_) + "\nhost.example " + key_text(ecdsa_) + "\n";
  const auto changed = check(kh, "host.example", host_);
  EXPECT_EQ(changed.verdict, host_key_status::changed);
  EXPECT_EQ(changed.line, 1u);
  EXPECT_NE(changed.detail.find(other_.fingerprint_sha256()), std::string::npos) << changed.detail;
  EXPECT_NE(changed.detail.find(host_.fingerprint_sha256()), std::string::npos) << changed.detail;
  // Another type entirely: not known yet, and the detail says which type is.
  const auto only_ecdsa = check("host.example " + key_text(ecdsa_) + "\n", "host.example", host_);
  EXPECT_EQ(only_ecdsa.verdict, host_key_status::unknown);
  EXPECT_NE(only_ecdsa.detail.find("ecdsa-sha2-nistp256"), std::string::npos) << only_ecdsa.detail;
  // ECDSA curves are different types.
  EXPECT_EQ(check("host.example " + key_text(ecdsa_) + "\n", "host.example", ecdsa384_).verdict,
            host_key_status::unknown);
  // A second line with the right key wins over the changed one.
  EXPECT_EQ(check(kh + "host.example " + key_text(host_) + "\n", "host.example", host_).verdict,
            host_key_status::trusted);
}

TEST_F(KnownHostsCheck, HashedEntriesAreChecked) {
  auto line = known_hosts::format_entry("host.example", 2222, host_, true);
  ASSERT_TRUE(line);
  EXPECT_EQ(check(*line, "host.example", host_, 2222).verdict, host_key_status::trusted);
  EXPECT_EQ(check(*line, "host.example", other_, 2222).verdict, host_key_status::changed);
  EXPECT_EQ(check(*line, "host.example", host_, 22).verdict, host_key_status::unknown);
}

TEST_F(KnownHostsCheck, RevokedBeatsTrustedWhereverItStands) {
  const std::string trusted = "host.example " + key_text(host_) + "\n";
  const std::string revoked = "@revoked * " + key_text(host_) + "\n";
  for (const auto& kh : {trusted + revoked, revoked + trusted}) {
    const auto st = check(kh, "host.example", host_);
    EXPECT_EQ(st.verdict, host_key_status::revoked);
    EXPECT_EQ(st.line, kh == trusted + revoked ? 2u : 1u);
    EXPECT_NE(st.detail.find("@revoked"), std::string::npos) << st.detail;
  }
  // A revocation for other hosts does not apply here.
  EXPECT_EQ(check(trusted + "@revoked other.example " + key_text(host_) + "\n", "host.example", host_).verdict,
            host_key_status::trusted);
  // Revoking one key leaves the others alone.
  EXPECT_EQ(check(revoked + "host.example " + key_text(other_) + "\n", "host.example", other_).verdict,
            host_key_status::trusted);
}

TEST_F(KnownHostsCheck, HostCertificateFromAListedCaIsTrusted) {
  const key cert = make_certificate(host_, ca_, {});
  const std::string kh = "other.example " + key_text(other_) + "\n@cert-authority *.example " + key_text(ca_) + "\n";
  const auto st = check(kh, "host.example", cert);
  EXPECT_EQ(st.verdict, host_key_status::trusted_by_ca);
  EXPECT_TRUE(st.is_trusted());
  EXPECT_EQ(st.line, 2u);
  EXPECT_NE(st.detail.find(ca_.fingerprint_sha256()), std::string::npos) << st.detail;
  // The principal is the host name without the port.
  EXPECT_EQ(check("@cert-authority [host.example]:2222 " + key_text(ca_) + "\n", "host.example", cert, 2222).verdict,
            host_key_status::trusted_by_ca);
}

TEST_F(KnownHostsCheck, CaMustBeListedWithTheMarkerForThisHost) {
  const key cert = make_certificate(host_, ca_, {});
  // Listed without the marker, the CA is only another ed25519 host key: the certificate's
  // own ed25519 key then differs from it.
  EXPECT_EQ(check("host.example " + key_text(ca_) + "\n", "host.example", cert).verdict, host_key_status::changed);
  EXPECT_EQ(check("@cert-authority other.example " + key_text(ca_) + "\n", "host.example", cert).verdict,
            host_key_status::unknown);
  const auto st = check("@cert-authority * " + key_text(other_ca_) + "\n", "host.example", cert);
  EXPECT_EQ(st.verdict, host_key_status::unknown);
  EXPECT_NE(st.detail.find(ca_.fingerprint_sha256()), std::string::npos) << st.detail;
}

TEST_F(KnownHostsCheck, CertificateRulesAreEnforced) {
  const std::string kh = "@cert-authority * " + key_text(ca_) + "\n";
  struct bent {
    const char* what;
    cert_spec spec;
    const char* reason;
  };
  const std::vector<bent> cases = {
      {"wrong principal", spec([](cert_spec& s) { s.principals = {"other.example"}; }), "not listed"},
      {"user certificate", spec([](cert_spec& s) { s.type = certificate_type::user; }), "user certificate"},
      {"expired", spec([](cert_spec& s) { s.valid_after = now - 7200; s.valid_before = now - 3600; }), "valid before"},
      {"expires at now", spec([](cert_spec& s) { s.valid_before = now; }), "valid before"},
      {"not yet valid", spec([](cert_spec& s) { s.valid_after = now + 60; }), "valid from"},
      {"critical option", spec([](cert_spec& s) { s.critical_options = {{"force-command", "true"}}; }),
       "critical option"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto st = check(kh, "host.example", make_certificate(host_, ca_, c.spec));
    EXPECT_EQ(st.verdict, host_key_status::unknown);
    EXPECT_NE(st.detail.find(c.reason), std::string::npos) << st.detail;
    EXPECT_NE(st.detail.find("certificate was not trusted"), std::string::npos) << st.detail;
  }
  // A forgery: names the listed CA but was signed by another key.
  const auto forged = check(kh, "host.example", make_certificate(host_, other_ca_, {}, &ca_));
  EXPECT_EQ(forged.verdict, host_key_status::unknown);
  EXPECT_NE(forged.detail.find("CA signature"), std::string::npos) << forged.detail;
}

TEST_F(KnownHostsCheck, PrincipalsMayBeWildcardsOrAbsent) {
  const std::string kh = "@cert-authority * " + key_text(ca_) + "\n";
  const key wild = make_certificate(host_, ca_, spec([](cert_spec& s) { s.principals = {"*.example"}; }));
  EXPECT_EQ(check(kh, "web.example", wild).verdict, host_key_status::trusted_by_ca);
  EXPECT_EQ(check(kh, "web.example.org", wild).verdict, host_key_status::unknown);
  // OpenSSH accepts a host certificate without principals for any host.
  const key no_principals = make_certificate(host_, ca_, spec([](cert_spec& s) { s.principals.clear(); }));
  EXPECT_EQ(check(kh, "any.example", no_principals).verdict, host_key_status::trusted_by_ca);
}

TEST_F(KnownHostsCheck, RejectedCertificateFallsBackToItsPlainKey) {
  const key expired = make_certificate(host_, ca_, spec([](cert_spec& s) { s.valid_before = now - 1; }));
  const std::string ca_line = "@cert-authority * " + key_text(ca_) + "\n";
  const auto trusted = check(ca_line + "host.example " + key_text(host_) + "\n", "host.example", expired);
  EXPECT_EQ(trusted.verdict, host_key_status::trusted);
  EXPECT_NE(trusted.detail.find("expired"), std::string::npos) << trusted.detail;
  EXPECT_EQ(check(ca_line + "host.example " + key_text(other_) + "\n", "host.example", expired).verdict,
            host_key_status::changed);
  // From an unlisted CA, the same.
  const key stranger = make_certificate(host_, other_ca_, {});
  EXPECT_EQ(check("host.example " + key_text(host_) + "\n", "host.example", stranger).verdict,
            host_key_status::trusted);
}

TEST_F(KnownHostsCheck, RevokedCaOrRevokedPlainKeyRevokesTheCertificate) {
  const key cert = make_certificate(host_, ca_, {});
  const std::string ca_line = "@cert-authority * " + key_text(ca_) + "\n";
  const auto by_ca = check(ca_line + "@revoked * " + key_text(ca_) + "\n", "host.example", cert);
  EXPECT_EQ(by_ca.verdict, host_key_status::revoked);
  EXPECT_EQ(by_ca.line, 2u);
  EXPECT_NE(by_ca.detail.find("CA"), std::string::npos) << by_ca.detail;
  EXPECT_EQ(check(ca_line + "@revoked host.example " + key_text(host_) + "\n", "host.example", cert).verdict,
            host_key_status::revoked);
  EXPECT_EQ(check(ca_line + "@revoked elsewhere " + key_text(ca_) + "\n", "host.example", cert).verdict,
            host_key_status::trusted_by_ca);
}

TEST_F(KnownHostsCheck, CertificateLinesAreSkipped) {
  const key cert = make_certificate(host_, ca_, {});
  auto kh = known_hosts::parse("host.example " + key_text(cert) + "\n", "kh");
  ASSERT_TRUE(kh);
  EXPECT_TRUE(kh->entries().empty());
  ASSERT_EQ(kh->warnings().size(), 1u);
  EXPECT_NE(kh->warnings()[0].reason.find("@cert-authority"), std::string::npos) << kh->warnings()[0].reason;
  EXPECT_EQ(kh->check("host.example", 22, cert, now).verdict, host_key_status::unknown);
}

TEST_F(KnownHostsCheck, UnusableHostNamesAreUnknown) {
  const std::string kh = "* " + key_text(host_) + "\n";
  EXPECT_EQ(check(kh, "anything", host_).verdict, host_key_status::trusted);
  EXPECT_EQ(check(kh, "", host_).verdict, host_key_status::unknown);
  EXPECT_EQ(check(kh, std::string(1025, 'a'), host_).verdict, host_key_status::unknown);
}

TEST_F(KnownHostsCheck, CurrentTimeOverloadUsesTheClock) {
  const key cert =
      make_certificate(host_, ca_, spec([](cert_spec& s) { s.valid_after = 0; s.valid_before = forever; }));
  const auto kh = parse("@cert-authority * " + key_text(ca_) + "\n");
  EXPECT_EQ(kh.check("host.example", 22, cert).verdict, host_key_status::trusted_by_ca);
  const key old = make_certificate(host_, ca_, spec([](cert_spec& s) { s.valid_after = 0; s.valid_before = now; }));
  EXPECT_EQ(kh.check("host.example", 22, old).verdict, host_key_status::unknown);
}

TEST(HostKeyStatus, VerdictNames) {
  EXPECT_EQ(to_string(host_key_status::trusted), "trusted");
  EXPECT_EQ(to_string(host_key_status::trusted_by_ca), "trusted_by_ca");
  EXPECT_EQ(to_string(host_key_status::revoked), "revoked");
  EXPECT_EQ(to_string(host_key_status::changed), "changed");
  EXPECT_EQ(to_string(host_key_status::unknown), "unknown");
}

}  // namespace
}  // namespace sshlib
