// OpenSSH's tools against our agent_server backed by a memory_agent: ssh-add adds, lists,
// prints, removes, locks and unlocks; ssh-keygen -Y sign signs through it and ssh-keygen
// -Y verify accepts the signatures.
#include <sshlib/agent_server.hpp>

#include "agent_interop_support.hpp"
#include "support/sshd.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <thread>

namespace sshlib::test {
namespace {

class AgentServerInterop : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* tool : {"ssh-add", "ssh-keygen"}) {
      if (!program_available(tool)) GTEST_SKIP() << tool << " not installed";
    }
    auto s = agent_server::listen(ctx_.get_executor(), backend_);
    ASSERT_TRUE(s) << s.error().message();
    server_ = std::move(*s);
    thread_ = std::thread([this] { ctx_.run(); });
  }

  void TearDown() override {
    if (!thread_.joinable()) return;
    boost::asio::post(ctx_, [this] { server_.reset(); });
    guard_.reset();
    thread_.join();
  }

  process_result ssh_add(const std::vector<std::string>& args, const environment& env = {}) {
    std::vector<std::string> argv{"ssh-add"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_with_agent(server_->socket_path(), argv, env);
  }

  temp_dir dir_;
  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{ctx_.get_executor()};
  memory_agent backend_{ctx_.get_executor()};
  std::unique_ptr<agent_server> server_;
  std::thread thread_;
};

// ssh logs in to sshd with IdentityAgent pointing at our agent: the key exists only in the
// memory_agent, so the signature sshd verifies was made through our agent_server.
TEST_F(AgentServerInterop, SshLogsInToSshdThroughOurAgent) {
  if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  if (!program_available("ssh")) GTEST_SKIP() << "ssh not installed";
  const key k = generate_key(key_type::ed25519).value();
  ASSERT_TRUE(backend_.add(k, "only in our agent"));
  sshd_server sshd;
  sshd.authorize(k.public_ssh());
  const auto r = run_process({"ssh", "-F", "/dev/null", "-o", "IdentityAgent=" + server_->socket_path().string(), "-o",
                              "ProxyCommand=" + sshd.proxy_command(), "-o", "StrictHostKeyChecking=no", "-o",
                              "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no",
                              sshd_server::user() + "@sshd-under-test", "echo logged-in"});
  EXPECT_EQ(r.exit_code, 0) << r.err << sshd.log();
  EXPECT_EQ(r.out, "logged-in\n");
  EXPECT_NE(sshd.log().find("Accepted publickey"), std::string::npos) << sshd.log();
}

TEST_F(AgentServerInterop, SocketAndDirectoryArePrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(server_->socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(server_->socket_path().parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(AgentServerInterop, SshAddAddsListsAndPrintsKeys) {
  std::vector<key> keys;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    const auto path = dir_ / (std::string("id_") + type);
    keys.push_back(keygen_file(path, type, std::string("user@") + type));
    const auto added = ssh_add({path.string()});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    EXPECT_NE(added.err.find("Identity added"), std::string::npos) << added.err;
  }
  EXPECT_EQ(backend_.size(), keys.size());

  const auto listed = ssh_add({"-l"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto fps = listed_fingerprints(listed.out);
  ASSERT_EQ(fps.size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(fps[i], keys[i].fingerprint_sha256());
    // The same fingerprint ssh-keygen prints for the file.
    const auto lf = run_process({"ssh-keygen", "-l", "-f", (dir_ / "id_").string() +
                                                              (i == 0 ? "ed25519" : i == 1 ? "ecdsa" : "rsa")});
    EXPECT_NE(lf.out.find(fps[i]), std::string::npos) << lf.out;
  }

  const auto printed = ssh_add({"-L"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    std::string pub = read_file(dir_ / (std::string("id_") + type + ".pub"));
    pub.erase(pub.find_last_not_of('\n') + 1);
    EXPECT_NE(printed.out.find(pub), std::string::npos) << printed.out << "\nmissing: " << pub;
  }
}

TEST_F(AgentServerInterop, SshKeygenSignsThroughOurAgent) {
  const std::string message = "signed through the sshlib agent\n";
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    SCOPED_TRACE(type);
    const auto path = dir_ / (std::string("signer_") + type);
    const key k = keygen_file(path, type, "signer");
    ASSERT_EQ(ssh_add({path.string()}).exit_code, 0);
    // Only the public key where ssh-keygen looks: the private half is reachable only
    // through the agent.
    const auto pub_only = dir_ / (std::string("only_") + type + ".pub");
    std::filesystem::copy_file(path.string() + ".pub", pub_only);
    const auto msg = dir_ / "message.txt";
    write_file(msg, message);
    std::filesystem::remove(msg.string() + ".sig");
    const auto signed_ = run_with_agent(server_->socket_path(),
                                        {"ssh-keygen", "-Y", "sign", "-f", pub_only.string(), "-n", "file",
                                         msg.string()});
    ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
    const auto signers = dir_ / "allowed_signers";
    write_file(signers, "signer@example.com " + k.public_ssh() + "\n");
    const auto verified = run_process({"ssh-keygen", "-Y", "verify", "-f", signers.string(), "-I",
                                       "signer@example.com", "-n", "file", "-s", msg.string() + ".sig"},
                                      message);
    EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
  }
}

TEST_F(AgentServerInterop, SshAddAddsCertificates) {
  const auto ca = dir_ / "ca";
  keygen_file(ca, "ed25519", "ca");
  const auto user = dir_ / "id_user";
  keygen_file(user, "rsa", "user");
  ASSERT_EQ(run_process({"ssh-keygen", "-q", "-s", ca.string(), "-I", "cert-id", "-n", "bob",
                         user.string() + ".pub"})
                .exit_code,
            0);
  const auto added = ssh_add({user.string()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.err.find("Certificate added"), std::string::npos) << added.err;
  const auto ids = backend_.identities();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(ids[1].is_certificate());
  const auto printed = ssh_add({"-L"});
  EXPECT_NE(printed.out.find("ssh-rsa-cert-v01@openssh.com"), std::string::npos) << printed.out;
}

TEST_F(AgentServerInterop, SshAddRemovesKeys) {
  const auto a = dir_ / "id_a";
  const auto b = dir_ / "id_b";
  keygen_file(a, "ed25519", "a");
  const key kb = keygen_file(b, "ecdsa", "b");
  ASSERT_EQ(ssh_add({a.string(), b.string()}).exit_code, 0);
  EXPECT_EQ(backend_.size(), 2u);
  const auto removed = ssh_add({"-d", a.string()});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  ASSERT_EQ(backend_.size(), 1u);
  EXPECT_TRUE(backend_.identities()[0].equals(kb));
  const auto all = ssh_add({"-D"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(backend_.size(), 0u);
  const auto listed = ssh_add({"-l"});
  EXPECT_EQ(listed.exit_code, 1);
  EXPECT_NE(listed.out.find("no identities"), std::string::npos) << listed.out;
}

TEST_F(AgentServerInterop, ConstraintsAreHonouredOrRefused) {
  const auto path = dir_ / "id_c";
  keygen_file(path, "ed25519", "constrained");
  // A lifetime is accepted (and enforced by memory_agent); confirmation cannot be, so the
  // key is refused rather than added without it.
  const auto confirm = ssh_add({"-c", path.string()});
  EXPECT_NE(confirm.exit_code, 0);
  EXPECT_EQ(backend_.size(), 0u);
  const auto lifetime = ssh_add({"-t", "600", path.string()});
  EXPECT_EQ(lifetime.exit_code, 0) << lifetime.err;
  EXPECT_EQ(backend_.size(), 1u);
}

TEST_F(AgentServerInterop, SshAddLocksAndUnlocks) {
  const auto path = dir_ / "id_lock";
  const key k = keygen_file(path, "ed25519", "lockable");
  ASSERT_EQ(ssh_add({path.string()}).exit_code, 0);

  const auto right = askpass_env(askpass_script(dir_, "askpass-right", "lock phrase"));
  const auto wrong = askpass_env(askpass_script(dir_, "askpass-wrong", "not it"));
  const auto locked = ssh_add({"-x"}, right);
  ASSERT_EQ(locked.exit_code, 0) << locked.err;
  const auto listed = ssh_add({"-l"});
  EXPECT_EQ(listed.exit_code, 1);  // a locked agent lists nothing
  EXPECT_EQ(listed_fingerprints(listed.out).size(), 0u);
  EXPECT_NE(ssh_add({"-X"}, wrong).exit_code, 0);
  const auto unlocked = ssh_add({"-X"}, right);
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.err;
  EXPECT_EQ(listed_fingerprints(ssh_add({"-l"}).out), std::vector<std::string>{k.fingerprint_sha256()});
}

}  // namespace
}  // namespace sshlib::test
