// PuTTY keys made by Debian's puttygen: PPK v2 and v3, with and without a passphrase, for
// every key type; fingerprints must equal ssh-keygen's of puttygen's OpenSSH export, and the
// parsed private key must sign verifiably. puttygen's RFC 4716 public output reads too, and
// puttygen reads ours.
#include "ssh_keygen_support.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace sshlib::test {
namespace {

struct ppk_case {
  const char* type;
  const char* bits;  // empty: puttygen's default
  const char* label;
};

// Runs puttygen with its state directory (random seed file) in `dir`: puttygen takes the
// home directory from the password database, not $HOME, but honours $PUTTYDIR.
process_result puttygen(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env", "PUTTYDIR=" + dir.string(), "puttygen"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

class PuttygenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!program_available("puttygen")) GTEST_SKIP() << "puttygen (putty-tools) not installed";
    write_file(dir_ / "pw", "correct horse\n");
    write_file(dir_ / "empty", "");
  }

  // puttygen -t type [-b bits] with the given --ppk-param list -> file.
  std::filesystem::path generate(const ppk_case& c, const std::string& ppk_params,
                                 bool with_passphrase, const std::string& name) {
    const auto file = dir_ / name;
    std::vector<std::string> args{"-q", "-t", c.type};
    if (*c.bits) args.insert(args.end(), {"-b", c.bits});
    args.insert(args.end(), {"-C", "made by puttygen", "--new-passphrase",
                             (dir_ / (with_passphrase ? "pw" : "empty")).string(), "--ppk-param",
                             ppk_params, "-o", file.string()});
    const auto r = puttygen(dir_.path(), args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return file;
  }

  // ssh-keygen's fingerprint of puttygen's OpenSSH public export of the file.
  std::string openssh_fingerprint(const std::filesystem::path& ppk, bool with_passphrase) {
    const auto pub = dir_ / "exported.pub";
    std::vector<std::string> args{ppk.string(), "-O", "public-openssh", "-o", pub.string()};
    if (with_passphrase) args.insert(args.end(), {"--old-passphrase", (dir_ / "pw").string()});
    const auto r = puttygen(dir_.path(), args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return keygen_fingerprint(pub);
  }

  // Parses the file and checks it against puttygen's own view of it.
  void check_parses(const std::filesystem::path& file, bool with_passphrase) {
    const std::string text = read_file(file);
    const auto k = parse_key(as_bytes(text),
                             with_passphrase ? secret_string("correct horse") : secret_string{});
    ASSERT_TRUE(k) << file << ": " << k.error().message();
    EXPECT_TRUE(k->is_private());
    EXPECT_EQ(k->comment(), "made by puttygen");
    EXPECT_EQ(k->fingerprint_sha256(), openssh_fingerprint(file, with_passphrase)) << file;
    if (k->kind() != key_type::dsa) {  // we verify DSA but do not sign with it
      const bytes data{1, 2, 3, 4};
      const auto sig = k->sign(data);
      ASSERT_TRUE(sig) << sig.error().message();
      EXPECT_TRUE(k->public_only().verify(data, *sig)) << file;
    }
    if (with_passphrase) {
      EXPECT_EQ(parse_key(as_bytes(text), secret_string("wrong")).code(), errc::wrong_passphrase)
          << file;
      EXPECT_EQ(parse_key(as_bytes(text)).code(), errc::passphrase_required) << file;
    }
  }

  temp_dir dir_;
};

class PuttygenKeys : public PuttygenTest, public ::testing::WithParamInterface<ppk_case> {
 protected:
  std::filesystem::path make(const std::string& version, bool with_passphrase) {
    return generate(
        GetParam(), "version=" + version, with_passphrase,
        std::string(GetParam().label) + "_v" + version + (with_passphrase ? "_enc" : "") + ".ppk");
  }
};

TEST_P(PuttygenKeys, ParsesEveryVersionWithAndWithoutPassphrase) {
  for (const char* version : {"2", "3"}) {
    for (bool enc : {false, true}) check_parses(make(version, enc), enc);
  }
}

TEST_P(PuttygenKeys, Rfc4716PublicOutputParses) {
  const auto file = make("3", false);
  const auto pub = dir_ / "public.rfc";
  const auto r = puttygen(dir_.path(), {file.string(), "-O", "public", "-o", pub.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto k = parse_key(as_bytes(read_file(pub)));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_FALSE(k->is_private());
  EXPECT_EQ(k->comment(), "made by puttygen");
  EXPECT_EQ(k->fingerprint_sha256(), openssh_fingerprint(file, false));
}

TEST_P(PuttygenKeys, PuttygenReadsOurRfc4716Output) {
  // puttygen 0.78 reads one-line headers only, not RFC 4716 continuation lines, so the
  // comment here is short enough for one line.
  const auto k =
      parse_key(as_bytes(read_file(make("3", false)))).value().public_only().with_comment("ours");
  const auto file = dir_ / "ours.rfc";
  write_file(file, k.public_rfc4716());
  const auto r = puttygen(dir_.path(), {file.string(), "-O", "public-openssh"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, k.public_ssh() + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    Types, PuttygenKeys,
    ::testing::Values(ppk_case{"ed25519", "", "ed25519"}, ppk_case{"ecdsa", "256", "ecdsa256"},
                      ppk_case{"ecdsa", "384", "ecdsa384"}, ppk_case{"ecdsa", "521", "ecdsa521"},
                      ppk_case{"rsa", "2048", "rsa2048"}, ppk_case{"dsa", "1024", "dsa1024"}),
    [](const auto& param_info) { return std::string(param_info.param.label); });

TEST_F(PuttygenTest, EveryArgon2FlavourAndCost) {
  const ppk_case ed{"ed25519", "", "ed25519"};
  for (const char* params :
       {"kdf=argon2id", "kdf=argon2i,memory=1024,passes=3", "kdf=argon2d,memory=64,passes=1",
        "kdf=argon2id,memory=4096,passes=2,parallelism=4"}) {
    SCOPED_TRACE(params);
    check_parses(generate(ed, params, true, "argon2.ppk"), true);
  }
}

TEST_F(PuttygenTest, Argon2CostAboveOurCapIsRefusedWithoutRunningIt) {
  // The Argon2 headers are not under the MAC (they only shape the key derivation), so
  // raising puttygen's 8 MiB to 1 GiB in the file gives what a hostile tool could write.
  const ppk_case ed{"ed25519", "", "ed25519"};
  std::string text = read_file(generate(ed, "kdf=argon2id", true, "costly.ppk"));
  const auto at = text.find("Argon2-Memory: 8192\n");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 19, "Argon2-Memory: 1048576");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(parse_key(as_bytes(text), secret_string("correct horse")).code(),
            errc::length_exceeds_limit);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace sshlib::test
