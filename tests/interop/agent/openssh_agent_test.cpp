// Our openssh_agent client against OpenSSH's ssh-agent: keys added with ssh-add are listed
// and sign (RSA with both SHA-2 flags), keys we add show up in `ssh-add -l`, removal and
// locking work, and a dead agent is an error rather than a hang.
#include <sshlib/agent.hpp>

#include "agent_interop_support.hpp"
#include "support/run_async.hpp"
#include "wire/reader.hpp"

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

using error_code = boost::system::error_code;

std::string algorithm_of(const bytes& signature_blob) {
  wire::reader r(signature_blob);
  std::string name;
  EXPECT_TRUE(r.read_string(name));
  return name;
}

class OpensshAgentInterop : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* tool : {"ssh-agent", "ssh-add", "ssh-keygen"}) {
      if (!program_available(tool)) GTEST_SKIP() << tool << " not installed";
    }
    daemon_ = std::make_unique<ssh_agent_daemon>(dir_);
    ASSERT_TRUE(daemon_->ready()) << "ssh-agent did not start: " << read_file(dir_ / "ssh-agent.log");
    client_ = std::make_unique<openssh_agent>(ctx_.get_executor(), daemon_->socket().string());
  }

  process_result ssh_add(const std::vector<std::string>& args, const environment& env = {}) {
    std::vector<std::string> argv{"ssh-add"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_with_agent(daemon_->socket(), argv, env);
  }

  std::vector<key> identities() {
    auto [ec, ids] = run_async<error_code, std::vector<key>>(ctx_, [&](auto h) { client_->async_identities(h); });
    EXPECT_FALSE(ec) << ec.message();
    return ids;
  }

  std::pair<error_code, bytes> sign(const key& k, const bytes& data, sign_flags flags) {
    auto [ec, sig] =
        run_async<error_code, bytes>(ctx_, [&](auto h) { client_->async_sign(k, data, flags, h); });
    return {ec, sig};
  }

  error_code status(const std::function<void(detail::completion<error_code>)>& start) {
    auto [ec] = run_async<error_code>(ctx_, [&](auto h) { start(std::move(h)); });
    return ec;
  }

  temp_dir dir_;
  boost::asio::io_context ctx_;
  std::unique_ptr<ssh_agent_daemon> daemon_;
  std::unique_ptr<openssh_agent> client_;
};

TEST_F(OpensshAgentInterop, ListsAndSignsWithKeysAddedBySshAdd) {
  std::vector<key> files;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    const auto path = dir_ / (std::string("id_") + type);
    files.push_back(keygen_file(path, type, std::string("comment-") + type));
    const auto added = ssh_add({path.string()});
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }
  const auto ids = identities();
  ASSERT_EQ(ids.size(), files.size());
  const std::vector<std::string> listed = listed_fingerprints(ssh_add({"-l"}).out);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE(files[i].type());
    EXPECT_TRUE(ids[i].equals(files[i]));
    EXPECT_FALSE(ids[i].is_private());
    EXPECT_EQ(ids[i].fingerprint_sha256(), files[i].fingerprint_sha256());
    EXPECT_EQ(ids[i].fingerprint_sha256(), listed.at(i));
    EXPECT_EQ(ids[i].comment(), "comment-" + std::string(i == 0 ? "ed25519" : i == 1 ? "ecdsa" : "rsa"));
  }

  const bytes data{'t', 'o', ' ', 's', 'i', 'g', 'n'};
  const std::vector<std::pair<sign_flags, std::string>> cases{
      {sign_flags::none, "ssh-ed25519"},
      {sign_flags::none, "ecdsa-sha2-nistp256"},
      {sign_flags::rsa_sha2_256, "rsa-sha2-256"},
      {sign_flags::rsa_sha2_512, "rsa-sha2-512"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const key& id = ids[std::min<std::size_t>(i, 2)];
    const auto& [flags, algorithm] = cases[i];
    SCOPED_TRACE(algorithm);
    auto [ec, sig] = sign(id, data, flags);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(algorithm_of(sig), algorithm);
    EXPECT_TRUE(id.verify(data, sig));
    const bytes other{'x'};
    EXPECT_EQ(id.verify(other, sig).code(), errc::signature_mismatch);
  }
}

TEST_F(OpensshAgentInterop, SignsWithACertificateIdentity) {
  const auto ca = dir_ / "ca";
  keygen_file(ca, "ed25519", "ca");
  const auto user = dir_ / "id_user";
  const key user_key = keygen_file(user, "ecdsa", "user");
  const auto certified = run_process({"ssh-keygen", "-q", "-s", ca.string(), "-I", "user-id", "-n", "alice",
                                      user.string() + ".pub"});
  ASSERT_EQ(certified.exit_code, 0) << certified.err;
  ASSERT_EQ(ssh_add({user.string()}).exit_code, 0);  // adds the key and its -cert.pub
  const auto ids = identities();
  ASSERT_EQ(ids.size(), 2u);
  const auto cert = std::find_if(ids.begin(), ids.end(), [](const key& k) { return k.is_certificate(); });
  ASSERT_NE(cert, ids.end());
  EXPECT_TRUE(cert->plain().equals(user_key));
  EXPECT_EQ(cert->certificate()->key_id, "user-id");
  auto [ec, sig] = sign(*cert, bytes{1, 2}, sign_flags::none);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(user_key.verify(bytes{1, 2}, sig));
}

TEST_F(OpensshAgentInterop, SshAddListsKeysWeAdd) {
  std::vector<key> ours;
  for (const key_type t : {key_type::ed25519, key_type::ecdsa_p384, key_type::ecdsa_p521, key_type::rsa}) {
    ours.push_back(*generate_key(t, t == key_type::rsa ? 3072 : 0));
  }
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const std::string comment = "ours-" + std::to_string(i);
    const key_constraints constraints = i == 1 ? key_constraints{3600, false} : key_constraints{};
    EXPECT_FALSE(status([&](auto h) { client_->async_add_identity(ours[i], comment, constraints, std::move(h)); }));
  }
  const auto listed = ssh_add({"-l"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto fps = listed_fingerprints(listed.out);
  ASSERT_EQ(fps.size(), ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(fps[i], ours[i].fingerprint_sha256());
    EXPECT_NE(listed.out.find("ours-" + std::to_string(i)), std::string::npos);
  }
  // ssh-add -L prints the public lines with our comments.
  const std::string lines = ssh_add({"-L"}).out;
  EXPECT_NE(lines.find(ours[0].with_comment("ours-0").public_ssh()), std::string::npos) << lines;

  // The agent signs with a key we added.
  const auto ids = identities();
  auto [ec, sig] = sign(ids[3], bytes{9}, sign_flags::rsa_sha2_512);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(ours[3].verify(bytes{9}, sig));
}

TEST_F(OpensshAgentInterop, RemovesKeys) {
  const key a = *generate_key(key_type::ed25519);
  const key b = *generate_key(key_type::ecdsa_p256);
  EXPECT_FALSE(status([&](auto h) { client_->async_add_identity(a, "a", std::move(h)); }));
  EXPECT_FALSE(status([&](auto h) { client_->async_add_identity(b, "b", std::move(h)); }));
  EXPECT_FALSE(status([&](auto h) { client_->async_remove_identity(a, std::move(h)); }));
  EXPECT_EQ(status([&](auto h) { client_->async_remove_identity(a, std::move(h)); }), errc::agent_failure);
  EXPECT_EQ(listed_fingerprints(ssh_add({"-l"}).out), std::vector<std::string>{b.fingerprint_sha256()});
  EXPECT_FALSE(status([&](auto h) { client_->async_remove_all(std::move(h)); }));
  const auto empty = ssh_add({"-l"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.out.find("no identities"), std::string::npos) << empty.out;
}

TEST_F(OpensshAgentInterop, LocksAndUnlocks) {
  const key k = *generate_key(key_type::ed25519);
  EXPECT_FALSE(status([&](auto h) { client_->async_add_identity(k, "k", std::move(h)); }));
  EXPECT_FALSE(status([&](auto h) { client_->async_lock("lock pass", std::move(h)); }));
  EXPECT_TRUE(identities().empty());
  EXPECT_EQ(sign(k, bytes{1}, sign_flags::none).first, errc::agent_failure);
  EXPECT_EQ(status([&](auto h) { client_->async_unlock("wrong", std::move(h)); }), errc::agent_failure);
  EXPECT_FALSE(status([&](auto h) { client_->async_unlock("lock pass", std::move(h)); }));
  EXPECT_EQ(identities().size(), 1u);
}

TEST_F(OpensshAgentInterop, ADeadAgentIsAnErrorNotAHang) {
  EXPECT_TRUE(identities().empty());  // connected
  daemon_->stop();
  auto [ec, ids] = run_async<error_code, std::vector<key>>(ctx_, [&](auto h) { client_->async_identities(h); });
  EXPECT_TRUE(ec);
  // The next request reconnects, and fails to: the socket is gone.
  auto [ec2, ids2] = run_async<error_code, std::vector<key>>(ctx_, [&](auto h) { client_->async_identities(h); });
  EXPECT_TRUE(ec2);
}

}  // namespace
}  // namespace sshlib::test
