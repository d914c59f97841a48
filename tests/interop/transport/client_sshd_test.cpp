// Our client against Debian's sshd: host key verification, public-key authentication with
// every key type, and one connection forced to each algorithm both sides support.
#include "client_sshd_support.hpp"

#include "support/process.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

std::string describe(const connect_outcome& o) {
  return o.ec.message() + (o.detail ? " (" + o.detail->message() + ")" : "");
}

class ClientAgainstSshd : public ::testing::Test {
protected:
  void SetUp() override {
    if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    server_ = std::make_unique<sshd_server>();
    user_key_ = generate_key(key_type::ed25519).value();
    server_->authorize(user_key_->public_ssh());
  }

  client_config config() const {
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user_key_;
    return c;
  }

  std::unique_ptr<sshd_server> server_;
  std::optional<key> user_key_;
};

TEST_F(ClientAgainstSshd, AuthenticatesWithEd25519AndVerifiesTheHostKey) {
  auto host_pub = parse_key(as_bytes(read_file(server_->host_key("ed25519").string() + ".pub"))).value();
  std::string seen_fingerprint;
  auto c = config();
  c.algorithms.host_key = {"ssh-ed25519"};
  c.host_verifier = [&](const host_key_info& info, detail::unique_function<void(bool)> done) {
    seen_fingerprint = info.fingerprint_sha256;
    done(info.host_key.equals(host_pub));
  };
  const auto o = connect_to_sshd(*server_, c);
  ASSERT_FALSE(o.ec) << describe(o) << "\n" << server_->log();
  EXPECT_EQ(seen_fingerprint, host_pub.fingerprint_sha256());
  ASSERT_TRUE(o.negotiated);
  EXPECT_EQ(o.negotiated->kex, "curve25519-sha256");
  EXPECT_TRUE(o.negotiated->strict_kex);
  EXPECT_TRUE(o.server_identification.starts_with("SSH-2.0-OpenSSH_")) << o.server_identification;
  EXPECT_NE(server_->log().find("Accepted publickey for " + sshd_server::user()), std::string::npos) << server_->log();
}

TEST_F(ClientAgainstSshd, RejectedHostKeyEndsTheConnection) {
  auto c = config();
  c.host_verifier = [](const host_key_info&, detail::unique_function<void(bool)> done) { done(false); };
  const auto o = connect_to_sshd(*server_, c);
  EXPECT_EQ(o.ec, make_error_code(errc::host_key_rejected)) << describe(o);
}

TEST_F(ClientAgainstSshd, UnknownKeyFailsWithTheMethodsLeft) {
  auto c = config();
  c.private_key = generate_key(key_type::ed25519).value();  // not authorized
  const auto o = connect_to_sshd(*server_, c);
  EXPECT_EQ(o.ec, make_error_code(errc::authentication_failed)) << describe(o);
  ASSERT_TRUE(o.detail);
  EXPECT_NE(o.detail->detail.find("publickey"), std::string::npos) << o.detail->detail;
}

struct key_case {
  key_type type;
  std::size_t bits;
  const char* name;
};

class ClientKeyTypes : public ClientAgainstSshd, public ::testing::WithParamInterface<key_case> {};

TEST_P(ClientKeyTypes, AuthenticatesWithPublicKey) {
  auto k = generate_key(GetParam().type, GetParam().bits).value();
  server_->authorize(k.public_ssh());
  auto c = config();
  c.private_key = k;
  const auto o = connect_to_sshd(*server_, c);
  EXPECT_FALSE(o.ec) << describe(o) << "\n" << server_->log();
}

INSTANTIATE_TEST_SUITE_P(Keys, ClientKeyTypes,
                         ::testing::Values(key_case{key_type::ed25519, 0, "ed25519"},
                                           key_case{key_type::ecdsa_p256, 0, "ecdsa_p256"},
                                           key_case{key_type::ecdsa_p384, 0, "ecdsa_p384"},
                                           key_case{key_type::ecdsa_p521, 0, "ecdsa_p521"},
                                           key_case{key_type::rsa, 2048, "rsa2048"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// One connection per algorithm, forced on both sides.
struct algorithm_case {
  algorithm_category category;
  const char* name;
  const char* sshd_option;  // the sshd_config keyword forcing it
  const char* sshd_value = nullptr;  // its value when not the name itself
};

class ClientAlgorithms : public ClientAgainstSshd, public ::testing::WithParamInterface<algorithm_case> {};

TEST_P(ClientAlgorithms, NegotiatesAndAuthenticates) {
  const auto& p = GetParam();
  auto c = config();
  ASSERT_TRUE(c.algorithms.set(p.category, {p.name}));
  std::vector<std::string> sshd_options{std::string(p.sshd_option) + "=" + (p.sshd_value ? p.sshd_value : p.name)};
  if (p.category == algorithm_category::mac) {
    // A MAC is negotiated only with a cipher that has none of its own.
    ASSERT_TRUE(c.algorithms.set(algorithm_category::cipher, {"aes128-ctr"}));
    sshd_options.push_back("Ciphers=aes128-ctr");
  }
  const auto o = connect_to_sshd(*server_, c, sshd_options);
  ASSERT_FALSE(o.ec) << p.name << ": " << describe(o) << "\n" << server_->log();
  ASSERT_TRUE(o.negotiated);
  switch (p.category) {
    case algorithm_category::kex: EXPECT_EQ(o.negotiated->kex, p.name); break;
    case algorithm_category::host_key: EXPECT_EQ(o.negotiated->host_key, p.name); break;
    case algorithm_category::cipher: EXPECT_EQ(o.negotiated->c2s.cipher, p.name); break;
    case algorithm_category::mac: EXPECT_EQ(o.negotiated->c2s.mac, p.name); break;
    case algorithm_category::compression: EXPECT_EQ(o.negotiated->c2s.compression, p.name); break;
  }
}

std::string case_name(const ::testing::TestParamInfo<algorithm_case>& info) {
  std::string n = std::string(category_name(info.param.category)) + "_" + info.param.name;
  for (char& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

using enum algorithm_category;
INSTANTIATE_TEST_SUITE_P(
    Kex, ClientAlgorithms,
    ::testing::Values(algorithm_case{kex, "curve25519-sha256", "KexAlgorithms"},
                      algorithm_case{kex, "curve25519-sha256@libssh.org", "KexAlgorithms"},
                      algorithm_case{kex, "ecdh-sha2-nistp256", "KexAlgorithms"},
                      algorithm_case{kex, "ecdh-sha2-nistp384", "KexAlgorithms"},
                      algorithm_case{kex, "ecdh-sha2-nistp521", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group-exchange-sha256", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group-exchange-sha1", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group14-sha256", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group16-sha512", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group18-sha512", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group14-sha1", "KexAlgorithms"},
                      algorithm_case{kex, "diffie-hellman-group1-sha1", "KexAlgorithms"}),
    case_name);
INSTANTIATE_TEST_SUITE_P(
    HostKey, ClientAlgorithms,
    ::testing::Values(algorithm_case{host_key, "ssh-ed25519", "HostKeyAlgorithms"},
                      algorithm_case{host_key, "ecdsa-sha2-nistp256", "HostKeyAlgorithms"},
                      algorithm_case{host_key, "rsa-sha2-512", "HostKeyAlgorithms"},
                      algorithm_case{host_key, "rsa-sha2-256", "HostKeyAlgorithms"},
                      algorithm_case{host_key, "ssh-rsa", "HostKeyAlgorithms"}),
    case_name);
INSTANTIATE_TEST_SUITE_P(
    Cipher, ClientAlgorithms,
    ::testing::Values(algorithm_case{cipher, "chacha20-poly1305@openssh.com", "Ciphers"},
                      algorithm_case{cipher, "aes128-gcm@openssh.com", "Ciphers"},
                      algorithm_case{cipher, "aes256-gcm@openssh.com", "Ciphers"},
                      algorithm_case{cipher, "aes128-ctr", "Ciphers"},
                      algorithm_case{cipher, "aes192-ctr", "Ciphers"},
                      algorithm_case{cipher, "aes256-ctr", "Ciphers"},
                      algorithm_case{cipher, "aes128-cbc", "Ciphers"},
                      algorithm_case{cipher, "aes192-cbc", "Ciphers"},
                      algorithm_case{cipher, "aes256-cbc", "Ciphers"},
                      algorithm_case{cipher, "3des-cbc", "Ciphers"}),
    case_name);
INSTANTIATE_TEST_SUITE_P(
    Mac, ClientAlgorithms,
    ::testing::Values(algorithm_case{mac, "hmac-sha2-256-etm@openssh.com", "MACs"},
                      algorithm_case{mac, "hmac-sha2-512-etm@openssh.com", "MACs"},
                      algorithm_case{mac, "hmac-sha1-etm@openssh.com", "MACs"},
                      algorithm_case{mac, "hmac-sha2-256", "MACs"},
                      algorithm_case{mac, "hmac-sha2-512", "MACs"},
                      algorithm_case{mac, "hmac-sha1", "MACs"},
                      algorithm_case{mac, "hmac-md5", "MACs"},
                      algorithm_case{mac, "hmac-sha1-96", "MACs"},
                      algorithm_case{mac, "hmac-md5-96", "MACs"}),
    case_name);
INSTANTIATE_TEST_SUITE_P(
    Compression, ClientAlgorithms,
    // OpenSSH's server offers only zlib@openssh.com ("Compression yes"), not plain zlib.
    ::testing::Values(algorithm_case{compression, "none", "Compression", "no"},
                      algorithm_case{compression, "zlib@openssh.com", "Compression", "yes"}),
    case_name);

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

TEST(ClientCertificates, UserCertificateAcceptedThroughTrustedUserCAKeys) {
  if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  temp_dir dir;
  const auto ca = dir / "user_ca";
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.string()}).exit_code, 0);
  sshd_server server({"TrustedUserCAKeys " + ca.string() + ".pub"});
  for (auto type : {key_type::ed25519, key_type::ecdsa_p256, key_type::rsa}) {
    const key user = generate_key(type, type == key_type::rsa ? 2048 : 0).value();
    write_file(dir / "user.pub", user.public_only().public_ssh() + "\n");
    const auto signed_cert = run_process(
        {"ssh-keygen", "-q", "-s", ca.string(), "-I", "test-user", "-n", sshd_server::user(), (dir / "user.pub").string()});
    ASSERT_EQ(signed_cert.exit_code, 0) << signed_cert.err;
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user.with_certificate(parse_key(as_bytes(read_file(dir / "user-cert.pub"))).value()).value();
    const auto o = connect_to_sshd(server, c);
    EXPECT_FALSE(o.ec) << key_type_name(type) << ": " << o.ec.message() << "\n" << server.log();
  }
  EXPECT_NE(server.log().find("Accepted publickey for " + sshd_server::user()), std::string::npos);
  EXPECT_NE(server.log().find("ID test-user"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

// Runs the io_context until `done` or 20 s.
template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
  }
  return done();
}

TEST_F(ClientAgainstSshd, RekeyWeStartAfterAuthentication) {
  auto c = config();
  int rekeys = 0;
  c.handshake = [&](const negotiated_algorithms&, bool initial) {
    if (!initial) ++rekeys;
  };
  const auto o = connect_to_sshd(*server_, c, {}, [&](client& cl, boost::asio::io_context& io) {
    cl.rekey();
    EXPECT_TRUE(run_until(io, [&] { return rekeys == 1; })) << server_->log();
    cl.rekey();
    EXPECT_TRUE(run_until(io, [&] { return rekeys == 2; })) << server_->log();
  });
  EXPECT_FALSE(o.ec) << describe(o);
}

TEST_F(ClientAgainstSshd, RekeyTheServerStartsByTime) {
  auto c = config();
  int rekeys = 0;
  c.handshake = [&](const negotiated_algorithms&, bool initial) {
    if (!initial) ++rekeys;
  };
  const auto o = connect_to_sshd(*server_, c, {"RekeyLimit=default 1"}, [&](client&, boost::asio::io_context& io) {
    EXPECT_TRUE(run_until(io, [&] { return rekeys >= 1; })) << server_->log();
  });
  EXPECT_FALSE(o.ec) << describe(o);
}

}  // namespace
}  // namespace sshlib::test
