// Our agent client against a real ssh-agent: list, sign (with the rsa-sha2 flags), add, and
// log in to sshd through it.
#include "../transport/client_sshd_support.hpp"

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <sshlib/agent.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;

class SshAgent : public ::testing::Test {
protected:
  void SetUp() override {
    if (!program_available("ssh-agent")) GTEST_SKIP() << "ssh-agent not installed";
    socket_ = (dir_ / "agent.sock").string();
    // Without -D, ssh-agent returns once its socket is listening: no waiting needed.
    const auto r = run_process({"ssh-agent", "-a", socket_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.out.find("SSH_AGENT_PID=");
    ASSERT_NE(at, std::string::npos) << r.out;
    pid_ = r.out.substr(at + 14, r.out.find(';', at) - at - 14);
  }
  void TearDown() override {
    if (!pid_.empty()) run_process({"env", "SSH_AGENT_PID=" + pid_, "ssh-agent", "-k"});
  }

  process_result ssh_add(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"env", "SSH_AUTH_SOCK=" + socket_, "ssh-add"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  std::string add_new_key(const char* type) {
    const auto file = dir_ / (std::string("id_") + type);
    EXPECT_EQ(run_process({"ssh-keygen", "-q", "-t", type, "-N", "", "-C", std::string("key ") + type, "-f", file.string()}).exit_code, 0);
    EXPECT_EQ(ssh_add({file.string()}).exit_code, 0);
    return file.string();
  }

  template <class Pred>
  bool run_until(Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();  // run_for stops once it runs out of work
      io_.run_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  std::vector<key> identities(openssh_agent& a) {
    std::optional<std::vector<key>> out;
    a.async_identities([&](boost::system::error_code ec, std::vector<key> keys) {
      EXPECT_FALSE(ec) << ec.message();
      out = std::move(keys);
    });
    EXPECT_TRUE(run_until([&] { return out.has_value(); }));
    return out.value_or(std::vector<key>{});
  }

  temp_dir dir_;
  std::string socket_, pid_;
  asio::io_context io_;
};

TEST_F(SshAgent, ListsAndSignsWithEveryKeyType) {
  std::vector<std::string> files;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) files.push_back(add_new_key(type));
  openssh_agent a(io_.get_executor(), socket_);
  const auto keys = identities(a);
  ASSERT_EQ(keys.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto expected = parse_key(as_bytes(read_file(files[i] + ".pub"))).value();
    EXPECT_TRUE(keys[i].equals(expected));
    EXPECT_EQ(keys[i].comment(), expected.comment());
  }
  const bytes data{'d', 'a', 't', 'a'};
  for (const auto& k : keys) {
    for (std::uint32_t flags : {0u, agent_flags::rsa_sha2_256, agent_flags::rsa_sha2_512}) {
      std::optional<bytes> sig;
      a.async_sign(k, data, flags, [&](boost::system::error_code ec, bytes s) {
        EXPECT_FALSE(ec) << ec.message();
        sig = std::move(s);
      });
      ASSERT_TRUE(run_until([&] { return sig.has_value(); }));
      EXPECT_TRUE(k.verify(data, *sig)) << k.type();
      if (k.kind() == key_type::rsa) {
        const std::string expected = flags == agent_flags::rsa_sha2_512 ? "rsa-sha2-512"
                                     : flags == agent_flags::rsa_sha2_256 ? "rsa-sha2-256"
                                                                          : "ssh-rsa";
        EXPECT_EQ(std::string(sig->begin() + 4, sig->begin() + 4 + expected.size()), expected);
      }
    }
  }
}

TEST_F(SshAgent, KeysWeAddAreListedBySshAdd) {
  openssh_agent a(io_.get_executor(), socket_);
  const key k = generate_key(key_type::ed25519).value().with_comment("added by sshlib");
  std::optional<boost::system::error_code> result;
  a.async_add_identity(k, [&](boost::system::error_code ec) { result = ec; });
  ASSERT_TRUE(run_until([&] { return result.has_value(); }));
  EXPECT_FALSE(*result) << result->message();
  const auto listed = ssh_add({"-l"});
  EXPECT_NE(listed.out.find(k.fingerprint_sha256()), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("added by sshlib"), std::string::npos) << listed.out;
}

TEST_F(SshAgent, LogsInToSshdThroughTheAgent) {
  if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  const auto file = add_new_key("ed25519");
  sshd_server server;
  server.authorize(read_file(file + ".pub"));
  client_config c;
  c.username = sshd_server::user();
  c.agent = std::make_shared<openssh_agent>(io_.get_executor(), socket_);
  const auto o = connect_to_sshd_on(io_, server, c, {}, [](client&, asio::io_context&) {});
  EXPECT_FALSE(o.ec) << o.ec.message() << (o.detail ? o.detail->message() : "") << "\n" << server.log();
}

}  // namespace
}  // namespace sshlib::test
