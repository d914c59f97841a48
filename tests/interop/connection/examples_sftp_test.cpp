// The ssh2 README's SFTP examples as our programs: example-sftp-readdir lists a directory on
// Debian's sshd; example-sftp-server is driven by OpenSSH's sftp (and refuses ssh's exec).
#include "examples_support.hpp"

#include "support/temp_dir.hpp"

#include <filesystem>
#include <fstream>

namespace sshlib::test {
namespace {

using namespace std::chrono_literals;

void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST_F(ExampleTest, SftpReaddirListsEveryEntry) {
  temp_dir dir;
  for (const char* name : {"alpha", "beta", "gamma"}) write_text(dir / name, name);
  std::filesystem::create_directory(dir / "sub");
  const auto r = run_child(example("example-sftp-readdir", {dir.path().string()}), {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_NE(r.out.find("Client :: ready\n"), std::string::npos) << details(r);
  for (const char* name : {" alpha\n", " beta\n", " gamma\n", " sub\n"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name << details(r);
  }
  EXPECT_NE(r.out.find("\n6 entries\n"), std::string::npos) << details(r);  // with . and ..
}

TEST_F(ExampleTest, SftpReaddirReportsAMissingDirectory) {
  const auto r = run_child(example("example-sftp-readdir", {"/no/such/dir"}), {}, example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << details(r);
}

class SftpServerExampleTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (examples_dir.empty()) GTEST_SKIP() << "SSHLIB_EXAMPLES_DIR not defined: the examples were not built";
    if (!program_available("sftp")) GTEST_SKIP() << "OpenSSH's sftp client is not installed";
    for (const char* k : {"host", "user"}) {
      const auto r = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (dir_ / k).string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::filesystem::create_directory(root_);
    server_ = std::make_unique<child_process>(std::vector<std::string>{
        example_path("example-sftp-server"), "0", (dir_ / "host").string(), root_.string(), sshd_server::user(),
        "--authorized-key", (dir_ / "user.pub").string(), "--password", "not used by these tests"});
    ASSERT_TRUE(server_->wait_for_output("\n", 30s)) << server_->err();
    const auto& first = server_->out();
    port_ = first.substr(first.rfind(':') + 1, first.find('\n') - first.rfind(':') - 1);
    write_text(dir_ / "known_hosts", "[127.0.0.1]:" + port_ + " " + read_file((dir_ / "host.pub").string()));
  }

  std::vector<std::string> options() const {
    return {"-F", "/dev/null", "-i", (dir_ / "user").string(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
            "UserKnownHostsFile=" + (dir_ / "known_hosts").string()};
  }

  temp_dir dir_;
  std::filesystem::path root_ = dir_ / "root";
  std::unique_ptr<child_process> server_;
  std::string port_;
};

TEST_F(SftpServerExampleTest, OpenSSHsSftpPutsListsAndGets) {
  write_text(dir_ / "local", std::string(100000, 'q'));
  write_text(dir_ / "batch", "put " + (dir_ / "local").string() + " uploaded\nls -l\nget uploaded " +
                                 (dir_ / "back").string() + "\nmkdir made\n");
  auto argv = std::vector<std::string>{"sftp", "-P", port_, "-b", (dir_ / "batch").string()};
  for (const auto& o : options()) argv.push_back(o);
  argv.push_back(sshd_server::user() + "@127.0.0.1");
  const auto r = run_child(argv, {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << server_->err();
  EXPECT_EQ(read_file((root_ / "uploaded").string()), std::string(100000, 'q'));
  EXPECT_EQ(read_file((dir_ / "back").string()), std::string(100000, 'q'));
  EXPECT_TRUE(std::filesystem::is_directory(root_ / "made"));
  EXPECT_NE(r.out.find("uploaded"), std::string::npos) << r.out;
}

TEST_F(SftpServerExampleTest, ExecIsRefused) {
  auto argv = std::vector<std::string>{"ssh", "-p", port_};
  for (const auto& o : options()) argv.push_back(o);
  argv.push_back(sshd_server::user() + "@127.0.0.1");
  argv.push_back("echo should-not-run");
  const auto r = run_child(argv, {}, example_timeout);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("should-not-run"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sshlib::test
