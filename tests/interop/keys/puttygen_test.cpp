// PuTTY keys made by Debian's puttygen: PPK v2 and v3, with and without a passphrase, for
// every key type; fingerprints must equal ssh-keygen's of puttygen's OpenSSH export, and the
// parsed private key must sign verifiably. puttygen's RFC 4716 public output reads too.
#include "ssh_keygen_support.hpp"

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

struct ppk_case {
  const char* type;
  const char* bits;  // empty: puttygen's default
  const char* label;
};

class PuttygenKeys : public ::testing::TestWithParam<ppk_case> {
protected:
  void SetUp() override {
    if (!program_available("puttygen")) GTEST_SKIP() << "puttygen (putty-tools) not installed";
    write_file(dir_ / "pw", "correct horse\n");
    write_file(dir_ / "empty", "");
  }

  // puttygen -> file; returns its path.
  std::filesystem::path make(const std::string& version, bool with_passphrase) {
    const auto file = dir_ / (std::string(GetParam().label) + "_v" + version + (with_passphrase ? "_enc" : "") + ".ppk");
    std::vector<std::string> argv{"puttygen", "-q", "-t", GetParam().type};
    if (*GetParam().bits) argv.insert(argv.end(), {"-b", GetParam().bits});
    argv.insert(argv.end(), {"-C", "made by puttygen", "--new-passphrase", (dir_ / (with_passphrase ? "pw" : "empty")).string(),
                             "--ppk-param", "version=" + version, "-o", file.string()});
    const auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return file;
  }

  std::string openssh_fingerprint(const std::filesystem::path& ppk, bool with_passphrase) {
    const auto pub = dir_ / "exported.pub";
    std::vector<std::string> argv{"puttygen", ppk.string(), "-O", "public-openssh", "-o", pub.string()};
    if (with_passphrase) argv.insert(argv.end(), {"--old-passphrase", (dir_ / "pw").string()});
    const auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return keygen_fingerprint(pub);
  }

  temp_dir dir_;
};

TEST_P(PuttygenKeys, ParsesEveryVersionWithAndWithoutPassphrase) {
  for (const char* version : {"2", "3"}) {
    for (bool enc : {false, true}) {
      const auto file = make(version, enc);
      const std::string text = read_file(file);
      const auto k = parse_key(as_bytes(text), enc ? secret_string("correct horse") : secret_string{});
      ASSERT_TRUE(k) << file << ": " << k.error().message();
      EXPECT_TRUE(k->is_private());
      EXPECT_EQ(k->comment(), "made by puttygen");
      EXPECT_EQ(k->fingerprint_sha256(), openssh_fingerprint(file, enc)) << file;
      if (k->kind() != key_type::dsa) {
        const bytes data{1, 2, 3, 4};
        const auto sig = k->sign(data).value();
        EXPECT_TRUE(k->public_only().verify(data, sig)) << file;
      }
      if (enc) {
        EXPECT_EQ(parse_key(as_bytes(text), secret_string("wrong")).code(), errc::wrong_passphrase) << file;
        EXPECT_EQ(parse_key(as_bytes(text)).code(), errc::passphrase_required) << file;
      }
    }
  }
}

TEST_P(PuttygenKeys, Rfc4716PublicOutputParses) {
  const auto file = make("3", false);
  const auto pub = dir_ / "public.rfc";
  ASSERT_EQ(run_process({"puttygen", file.string(), "-O", "public", "-o", pub.string()}).exit_code, 0);
  const auto k = parse_key(as_bytes(read_file(pub)));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->comment(), "made by puttygen");
  EXPECT_EQ(k->fingerprint_sha256(), openssh_fingerprint(file, false));
}

INSTANTIATE_TEST_SUITE_P(Types, PuttygenKeys,
                         ::testing::Values(ppk_case{"ed25519", "", "ed25519"}, ppk_case{"ecdsa", "256", "ecdsa256"},
                                           ppk_case{"ecdsa", "384", "ecdsa384"}, ppk_case{"ecdsa", "521", "ecdsa521"},
                                           ppk_case{"rsa", "2048", "rsa2048"}, ppk_case{"dsa", "1024", "dsa1024"}),
                         [](const auto& param_info) { return std::string(param_info.param.label); });

}  // namespace
}  // namespace sshlib::test
