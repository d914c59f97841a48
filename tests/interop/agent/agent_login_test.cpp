// Client authentication through a real ssh-agent: our client logs in to sshd with a key only
// the agent holds. (The agent client itself is tested in openssh_agent_test.cpp.)
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

  temp_dir dir_;
  std::string socket_, pid_;
  asio::io_context io_;
};

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
