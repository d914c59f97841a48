// Debian's OpenSSH client against our server: host keys checked by ssh against a
// known_hosts file, each authentication method, multi-factor, and one connection forced to
// each algorithm with `ssh -o`. `ssh -N` opens no channel: the test's server ends the
// connection once authentication completes and ssh's -v log shows how it authenticated.
#include "test_server.hpp"

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <sshlib/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

namespace sshlib::test {
namespace {


class SshToOurServer : public ::testing::Test {
protected:
  void SetUp() override {
    if (!program_available("ssh")) GTEST_SKIP() << "OpenSSH client not installed";
    for (auto type : {key_type::ed25519, key_type::ecdsa_p256, key_type::rsa}) {
      host_keys_.push_back(generate_key(type, type == key_type::rsa ? 2048 : 0).value());
    }
    user_key_ = generate_key(key_type::ed25519).value();
    write_file(dir_ / "id_user", user_key_->private_openssh().value().view());
    std::filesystem::permissions(dir_ / "id_user", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    write_file(dir_ / "askpass", "#!/bin/sh\ncase \"$1\" in\n  *[Cc]ode*) echo 424242 ;;\n  *) echo 'correct horse' ;;\nesac\n");
    std::filesystem::permissions(dir_ / "askpass", std::filesystem::perms::owner_all);
  }

  server_config base_config() {
    server_config c;
    c.host_keys = host_keys_;
    c.failure_delay = std::chrono::milliseconds(1);
    return c;
  }

  void start(server_config c) {
    server_ = std::make_unique<test_server>(std::move(c));
    std::string known;
    for (const auto& k : host_keys_) known += "[127.0.0.1]:" + std::to_string(server_->port()) + " " + k.public_only().public_ssh() + "\n";
    write_file(dir_ / "known_hosts", known);
  }

  // Runs `ssh -N -v` against the server with extra -o options; returns its result.
  process_result ssh(const std::vector<std::string>& options, bool askpass = false) {
    std::vector<std::string> argv;
    if (askpass) {
      argv = {"env", "SSH_ASKPASS=" + (dir_ / "askpass").string(), "SSH_ASKPASS_REQUIRE=force", "DISPLAY=none"};
    }
    for (const char* a : {"ssh", "-N", "-v", "-F", "/dev/null"}) argv.emplace_back(a);
    argv.insert(argv.end(), {"-p", std::to_string(server_->port()), "-o", "UserKnownHostsFile=" + (dir_ / "known_hosts").string(),
                             "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                             "-i", (dir_ / "id_user").string(), "-o", std::string("BatchMode=") + (askpass ? "no" : "yes")});
    for (const auto& o : options) {
      argv.push_back("-o");
      argv.push_back(o);
    }
    argv.push_back("alice@127.0.0.1");
    return run_process(argv);
  }

  temp_dir dir_;
  std::vector<key> host_keys_;
  std::optional<key> user_key_;
  std::unique_ptr<test_server> server_;
};

TEST_F(SshToOurServer, PublicKeyAuthenticatesTheKeyWhoseSignatureVerified) {
  auto c = base_config();
  const std::string allowed = user_key_->fingerprint_sha256();
  c.authentication = [allowed](auth_request req) {
    if (req.kind() == auth_request::method_kind::publickey && req.public_key() &&
        req.public_key()->fingerprint_sha256() == allowed) {
      return req.accept();
    }
    req.reject({"publickey"});
  };
  start(c);
  const auto r = ssh({});
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ec) << o->detail << "\n" << r.err;
  EXPECT_EQ(o->username, "alice");
  EXPECT_EQ(o->methods, std::vector<std::string>{"publickey"});
  EXPECT_EQ(o->auth_key_fingerprint, allowed);
  EXPECT_NE(r.err.find("Authenticated to 127.0.0.1"), std::string::npos) << r.err;
  ASSERT_TRUE(o->negotiated);
  EXPECT_TRUE(o->negotiated->strict_kex);
}

TEST_F(SshToOurServer, UnknownKeyIsRefused) {
  auto c = base_config();
  c.authentication = [](auth_request req) { req.reject({"publickey"}); };
  start(c);
  const auto r = ssh({});
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->ec);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST_F(SshToOurServer, DroppedRequestHandleRejects) {
  auto c = base_config();
  c.authentication = [](auth_request) {};  // never answers: the handle's destruction rejects
  start(c);
  const auto r = ssh({});
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST_F(SshToOurServer, PasswordWithAskpass) {
  auto c = base_config();
  c.authentication = [](auth_request req) {
    if (req.kind() == auth_request::method_kind::password && req.password().view() == "correct horse") return req.accept();
    req.reject({"password"});
  };
  start(c);
  const auto r = ssh({"PreferredAuthentications=password"}, true);
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ec) << o->detail << "\n" << r.err;
  EXPECT_EQ(o->methods, std::vector<std::string>{"password"});
}

TEST_F(SshToOurServer, PublicKeyThenKeyboardInteractiveCode) {
  auto c = base_config();
  const std::string allowed = user_key_->fingerprint_sha256();
  c.authentication = [allowed](auth_request req) {
    if (req.kind() == auth_request::method_kind::publickey) {
      const bool ok = req.public_key() && req.public_key()->fingerprint_sha256() == allowed;
      if (ok && !req.has_signature()) return req.accept();  // PK_OK
      if (ok) return req.reject({"keyboard-interactive"}, true);  // first factor done
      return req.reject({"publickey"});
    }
    if (req.kind() == auth_request::method_kind::keyboard_interactive) {
      req.prompt({{"Code: ", false}}, "Second factor", "Enter the code", [req](std::vector<secret_string> answers) mutable {
        if (answers.size() == 1 && answers[0].view() == "424242") return req.accept();
        req.reject({"keyboard-interactive"});
      });
      return;
    }
    req.reject({"publickey"});
  };
  start(c);
  const auto r = ssh({"PreferredAuthentications=publickey,keyboard-interactive"}, true);
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ec) << o->detail << "\n" << r.err;
  EXPECT_EQ(o->methods, (std::vector<std::string>{"publickey", "keyboard-interactive"}));
  EXPECT_NE(r.err.find("partial success"), std::string::npos) << r.err;
}

TEST_F(SshToOurServer, TooManyFailuresDisconnects) {
  auto c = base_config();
  c.max_auth_attempts = 2;
  c.authentication = [](auth_request req) { req.reject({"password"}); };
  start(c);
  const auto r = ssh({"PreferredAuthentications=password", "NumberOfPasswordPrompts=5"}, true);
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::authentication_failed)) << o->detail;
  EXPECT_NE(o->detail.find("too many authentication failures"), std::string::npos) << o->detail;
}

struct forced {
  const char* label;
  const char* option;
};

class SshAlgorithms : public SshToOurServer, public ::testing::WithParamInterface<forced> {};

TEST_P(SshAlgorithms, NegotiatesWithOpenSsh) {
  auto c = base_config();
  // Turn on everything we implement, so that ssh's choice decides.
  for (auto cat : {algorithm_category::kex, algorithm_category::host_key, algorithm_category::cipher,
                   algorithm_category::mac, algorithm_category::compression}) {
    ASSERT_TRUE(c.algorithms.set(cat, supported_algorithms(cat)));
  }
  c.authentication = [](auth_request req) {
    if (req.kind() == auth_request::method_kind::publickey) return req.accept();
    req.reject({"publickey"});
  };
  start(c);
  std::vector<std::string> options{GetParam().option};
  // A MAC is negotiated only with a cipher that has none of its own.
  if (std::string_view(GetParam().option).starts_with("MACs")) options.emplace_back("Ciphers=aes128-ctr");
  const auto r = ssh(options);
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ec) << GetParam().option << ": " << o->detail << "\n" << r.err;
  ASSERT_TRUE(o->negotiated);
  const std::string opt = GetParam().option;
  const std::string value = opt.substr(opt.find('=') + 1);
  const auto& n = *o->negotiated;
  if (opt.starts_with("KexAlgorithms")) {
    EXPECT_EQ(n.kex, value);
  }
  if (opt.starts_with("HostKeyAlgorithms")) {
    EXPECT_EQ(n.host_key, value);
  }
  if (opt.starts_with("Ciphers")) {
    EXPECT_EQ(n.c2s.cipher, value);
  }
  if (opt.starts_with("MACs")) {
    EXPECT_EQ(n.c2s.mac, value);
  }
  if (opt.starts_with("Compression")) {
    EXPECT_EQ(n.c2s.compression, "zlib@openssh.com");
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, SshAlgorithms,
    ::testing::Values(forced{"kex_curve25519", "KexAlgorithms=curve25519-sha256"},
                      forced{"kex_curve25519_libssh", "KexAlgorithms=curve25519-sha256@libssh.org"},
                      forced{"kex_nistp256", "KexAlgorithms=ecdh-sha2-nistp256"},
                      forced{"kex_nistp384", "KexAlgorithms=ecdh-sha2-nistp384"},
                      forced{"kex_nistp521", "KexAlgorithms=ecdh-sha2-nistp521"},
                      forced{"kex_gex_sha256", "KexAlgorithms=diffie-hellman-group-exchange-sha256"},
                      forced{"kex_gex_sha1", "KexAlgorithms=diffie-hellman-group-exchange-sha1"},
                      forced{"kex_group14_sha256", "KexAlgorithms=diffie-hellman-group14-sha256"},
                      forced{"kex_group16_sha512", "KexAlgorithms=diffie-hellman-group16-sha512"},
                      forced{"kex_group18_sha512", "KexAlgorithms=diffie-hellman-group18-sha512"},
                      forced{"kex_group14_sha1", "KexAlgorithms=diffie-hellman-group14-sha1"},
                      forced{"kex_group1_sha1", "KexAlgorithms=diffie-hellman-group1-sha1"},
                      forced{"hostkey_ed25519", "HostKeyAlgorithms=ssh-ed25519"},
                      forced{"hostkey_nistp256", "HostKeyAlgorithms=ecdsa-sha2-nistp256"},
                      forced{"hostkey_rsa_sha512", "HostKeyAlgorithms=rsa-sha2-512"},
                      forced{"hostkey_rsa_sha256", "HostKeyAlgorithms=rsa-sha2-256"},
                      forced{"hostkey_ssh_rsa", "HostKeyAlgorithms=ssh-rsa"},
                      forced{"cipher_chacha20", "Ciphers=chacha20-poly1305@openssh.com"},
                      forced{"cipher_aes128_gcm", "Ciphers=aes128-gcm@openssh.com"},
                      forced{"cipher_aes256_gcm", "Ciphers=aes256-gcm@openssh.com"},
                      forced{"cipher_aes128_ctr", "Ciphers=aes128-ctr"},
                      forced{"cipher_aes192_ctr", "Ciphers=aes192-ctr"},
                      forced{"cipher_aes256_ctr", "Ciphers=aes256-ctr"},
                      forced{"cipher_aes128_cbc", "Ciphers=aes128-cbc"},
                      forced{"cipher_aes256_cbc", "Ciphers=aes256-cbc"},
                      forced{"cipher_3des_cbc", "Ciphers=3des-cbc"},
                      forced{"mac_sha2_256_etm", "MACs=hmac-sha2-256-etm@openssh.com"},
                      forced{"mac_sha2_512_etm", "MACs=hmac-sha2-512-etm@openssh.com"},
                      forced{"mac_sha1_etm", "MACs=hmac-sha1-etm@openssh.com"},
                      forced{"mac_sha2_256", "MACs=hmac-sha2-256"},
                      forced{"mac_sha2_512", "MACs=hmac-sha2-512"},
                      forced{"mac_sha1", "MACs=hmac-sha1"},
                      forced{"mac_md5", "MACs=hmac-md5"},
                      forced{"mac_sha1_96", "MACs=hmac-sha1-96"},
                      forced{"mac_md5_96", "MACs=hmac-md5-96"},
                      forced{"compression", "Compression=yes"}),
    [](const auto& param_info) { return std::string(param_info.param.label); });

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

TEST_F(SshToOurServer, HostCertificateAcceptedThroughCertAuthority) {
  // A CA made by ssh-keygen signs our ed25519 host key; ssh trusts the CA, not the key.
  const auto ca = dir_ / "host_ca";
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.string()}).exit_code, 0);
  const key host = host_keys_.front();
  write_file(dir_ / "host.pub", host.public_only().public_ssh() + "\n");
  const auto signed_cert = run_process({"ssh-keygen", "-q", "-s", ca.string(), "-h", "-I", "test-host", "-n", "127.0.0.1",
                                        (dir_ / "host.pub").string()});
  ASSERT_EQ(signed_cert.exit_code, 0) << signed_cert.err;
  const key cert = parse_key(as_bytes(read_file(dir_ / "host-cert.pub"))).value();
  auto c = base_config();
  c.host_keys = {host.with_certificate(cert).value()};
  c.authentication = [](auth_request req) {
    if (req.kind() == auth_request::method_kind::publickey) return req.accept();
    req.reject({"publickey"});
  };
  start(c);
  write_file(dir_ / "known_hosts", "@cert-authority [127.0.0.1]:" + std::to_string(server_->port()) + " " +
                                       read_file(ca.string() + ".pub"));
  const auto r = ssh({"HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com"});
  const auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ec) << o->detail << "\n" << r.err;
  ASSERT_TRUE(o->negotiated);
  EXPECT_EQ(o->negotiated->host_key, "ssh-ed25519-cert-v01@openssh.com");
  EXPECT_NE(r.err.find("Server host certificate"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sshlib::test
