// sshsig (PROTOCOL.sshsig) against `ssh-keygen -Y sign` and `-Y verify`, both directions.
#include "keys/sshsig.hpp"
#include "ssh_keygen_support.hpp"

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

class SshKeygenSshsig : public ::testing::Test {
protected:
  void SetUp() override {
    if (!program_available("ssh-keygen")) GTEST_SKIP() << "ssh-keygen not installed";
  }
  temp_dir dir_;
};

const std::string message = "the message to sign\n";

TEST_F(SshKeygenSshsig, SshKeygenVerifiesOurSignatures) {
  for (const key_type type : {key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p521, key_type::rsa}) {
    auto k = generate_key(type, type == key_type::rsa ? 2048 : 0);
    ASSERT_TRUE(k);
    SCOPED_TRACE(k->type());
    auto sig = keys::sshsig_sign(*k, "file", as_bytes(message));
    ASSERT_TRUE(sig) << sig.error().message();
    const auto sig_file = dir_ / "msg.sig";
    const auto signers = dir_ / "allowed_signers";
    write_file(sig_file, *sig);
    write_file(signers, "signer@example.com " + k->public_ssh() + "\n");
    const auto ok = run_process({"ssh-keygen", "-Y", "verify", "-f", signers.string(), "-I", "signer@example.com",
                                 "-n", "file", "-s", sig_file.string()},
                                message);
    EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
    const auto wrong_ns = run_process({"ssh-keygen", "-Y", "verify", "-f", signers.string(), "-I",
                                       "signer@example.com", "-n", "email", "-s", sig_file.string()},
                                      message);
    EXPECT_NE(wrong_ns.exit_code, 0);
  }
}

TEST_F(SshKeygenSshsig, WeVerifySshKeygenSignatures) {
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    SCOPED_TRACE(type);
    const auto base = dir_ / (std::string("signer-") + type);
    keygen({"-t", type, "-q", "-N", "", "-f", base.string()});
    const auto msg_file = dir_ / "message.txt";
    write_file(msg_file, message);
    keygen({"-Y", "sign", "-q", "-f", base.string(), "-n", "file", msg_file.string()});
    const std::string armored = read_file(msg_file.string() + ".sig");
    std::filesystem::remove(msg_file.string() + ".sig");
    const key pub = parse_file(base.string() + ".pub");

    const auto signer = keys::sshsig_verify(armored, "file", as_bytes(message));
    ASSERT_TRUE(signer) << signer.error().message();
    EXPECT_TRUE(signer->equals(pub));
    EXPECT_EQ(keys::sshsig_verify(armored, "email", as_bytes(message)).code(), errc::invalid_signature);
    EXPECT_EQ(keys::sshsig_verify(armored, "file", as_bytes(std::string("another message"))).code(),
              errc::signature_mismatch);
  }
}

}  // namespace
}  // namespace sshlib::test
