// make_known_hosts_verifier in a real connection: our client against `sshd -i`, trusting
// its host key through known_hosts lines, and its host certificate (HostCertificate, signed
// by ssh-keygen -s -h) through @cert-authority.
#include "client_sshd_support.hpp"

#include "support/process.hpp"

#include <sshlib/known_hosts.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sshlib::test {
namespace {

// The name the tests give the server: connect_to_sshd runs over a socketpair, so the
// client has no host name of its own to look up.
constexpr const char* server_name = "sshd.test";

class KnownHostsClient : public ::testing::Test {
protected:
  void SetUp() override {
    if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    server_ = std::make_unique<sshd_server>();
    user_key_ = generate_key(key_type::ed25519).value();
    server_->authorize(user_key_->public_ssh());
    host_line_ = strip(read_file(server_->host_key("ed25519").string() + ".pub"));
  }

  static std::string strip(const std::string& public_line) {
    const auto sp = public_line.find(' ');
    return public_line.substr(0, public_line.find_first_of(" \n", sp + 1));
  }

  // Connects with a known_hosts verifier over `text`, negotiating `host_key_algorithm`.
  connect_outcome connect(const std::string& text, const std::string& host_key_algorithm,
                          const std::vector<std::string>& sshd_options = {}) {
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user_key_;
    c.algorithms.host_key = {host_key_algorithm};
    auto verifier = make_known_hosts_verifier(known_hosts::parse(text).value(),
                                              [this](std::string_view line) { log_ += std::string(line) + "\n"; });
    c.host_verifier = [verifier](const host_key_info& info, detail::unique_function<void(bool)> done) {
      host_key_info named = info;
      named.host = server_name;
      named.port = 22;
      verifier(named, std::move(done));
    };
    return connect_to_sshd(*server_, std::move(c), sshd_options);
  }

  // Signs the server's ed25519 host key with a new CA; returns the CA's public line and
  // the sshd option that presents the certificate.
  std::pair<std::string, std::string> certify_host(const std::string& principal) {
    const auto ca = ca_dir_ / ("ca" + std::to_string(cas_++));
    EXPECT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.string()}).exit_code, 0);
    const auto pub = server_->host_key("ed25519").string() + ".pub";
    const auto r = run_process({"ssh-keygen", "-q", "-s", ca.string(), "-h", "-I", "sshd-test", "-n", principal,
                                "-V", "-5m:+1h", pub});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {strip(read_file(ca.string() + ".pub")),
            "HostCertificate=" + server_->host_key("ed25519").string() + "-cert.pub"};
  }

  std::unique_ptr<sshd_server> server_;
  std::optional<key> user_key_;
  std::string host_line_;
  std::string log_;
  temp_dir ca_dir_;
  int cas_ = 0;
};

TEST_F(KnownHostsClient, ListedHostKeyConnects) {
  const auto o = connect(std::string(server_name) + " " + host_line_ + "\n", "ssh-ed25519");
  EXPECT_FALSE(o.ec) << o.ec.message() << "\n" << log_;
  EXPECT_NE(log_.find("accepting"), std::string::npos) << log_;
}

TEST_F(KnownHostsClient, UnknownOrChangedHostKeyIsRejected) {
  auto o = connect("other.test " + host_line_ + "\n", "ssh-ed25519");
  EXPECT_EQ(o.ec, make_error_code(errc::host_key_rejected));
  EXPECT_NE(log_.find("(unknown)"), std::string::npos) << log_;
  const auto other = generate_key(key_type::ed25519).value().public_only();
  o = connect(std::string(server_name) + " " + other.public_ssh() + "\n", "ssh-ed25519");
  EXPECT_EQ(o.ec, make_error_code(errc::host_key_rejected));
  EXPECT_NE(log_.find("(changed)"), std::string::npos) << log_;
}

TEST_F(KnownHostsClient, HostCertificateTrustedThroughItsCa) {
  const auto [ca_line, option] = certify_host(server_name);
  const auto o = connect("@cert-authority *.test " + ca_line + "\n", "ssh-ed25519-cert-v01@openssh.com", {option});
  EXPECT_FALSE(o.ec) << o.ec.message() << "\n" << log_ << "\n" << server_->log();
  EXPECT_NE(log_.find("(trusted_by_ca)"), std::string::npos) << log_;
}

TEST_F(KnownHostsClient, RevokedCaOrWrongPrincipalIsRejected) {
  auto [ca_line, option] = certify_host(server_name);
  auto o = connect("@cert-authority * " + ca_line + "\n@revoked * " + ca_line + "\n",
                   "ssh-ed25519-cert-v01@openssh.com", {option});
  EXPECT_EQ(o.ec, make_error_code(errc::host_key_rejected));
  EXPECT_NE(log_.find("(revoked)"), std::string::npos) << log_;
  std::tie(ca_line, option) = certify_host("elsewhere.test");
  o = connect("@cert-authority * " + ca_line + "\n", "ssh-ed25519-cert-v01@openssh.com", {option});
  EXPECT_EQ(o.ec, make_error_code(errc::host_key_rejected));
  EXPECT_NE(log_.find("not listed"), std::string::npos) << log_;
}

}  // namespace
}  // namespace sshlib::test
