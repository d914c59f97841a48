// memory_agent and create_agent: the key store behind agent_server, through its synchronous
// members and through the async agent interface.
#include <sshlib/agent.hpp>

#include "agent/agent_limits.hpp"
#include "support/run_async.hpp"
#include "wire/reader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sshlib {
namespace {

using test::run_async;
using error_code = boost::system::error_code;

std::string algorithm_of(const bytes& signature_blob) {
  wire::reader r(signature_blob);
  std::string name;
  EXPECT_TRUE(r.read_string(name));
  return name;
}

class MemoryAgent : public ::testing::Test {
protected:
  boost::asio::io_context ctx_;
  memory_agent agent_{ctx_.get_executor()};
};

TEST_F(MemoryAgent, AddsListsSignsAndRemoves) {
  const key k = *generate_key(key_type::ed25519);
  ASSERT_TRUE(agent_.add(k, "laptop"));
  const auto ids = agent_.identities();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(ids[0].equals(k));
  EXPECT_FALSE(ids[0].is_private());
  EXPECT_EQ(ids[0].comment(), "laptop");
  const bytes data{'d'};
  auto sig = agent_.sign(ids[0], data, sign_flags::none);
  ASSERT_TRUE(sig) << sig.error().message();
  EXPECT_TRUE(k.verify(data, *sig));
  EXPECT_TRUE(agent_.remove(ids[0]));
  EXPECT_FALSE(agent_.remove(ids[0]));
  EXPECT_EQ(agent_.sign(k, data, sign_flags::none).code(), errc::agent_failure);
}

TEST_F(MemoryAgent, AddingTheSameKeyAgainReplacesIt) {
  const key k = *generate_key(key_type::ecdsa_p256);
  ASSERT_TRUE(agent_.add(k, "first"));
  ASSERT_TRUE(agent_.add(k, "second"));
  ASSERT_EQ(agent_.size(), 1u);
  EXPECT_EQ(agent_.identities()[0].comment(), "second");
  agent_.remove_all();
  EXPECT_EQ(agent_.size(), 0u);
}

TEST_F(MemoryAgent, RsaSignaturesFollowTheFlags) {
  const key k = *generate_key(key_type::rsa, 2048);
  ASSERT_TRUE(agent_.add(k, ""));
  const bytes data{1, 2, 3};
  for (const auto& [flags, name] : {std::pair{sign_flags::none, "ssh-rsa"},
                                    std::pair{sign_flags::rsa_sha2_256, "rsa-sha2-256"},
                                    std::pair{sign_flags::rsa_sha2_512, "rsa-sha2-512"}}) {
    auto sig = agent_.sign(k, data, flags);
    ASSERT_TRUE(sig) << sig.error().message();
    EXPECT_EQ(algorithm_of(*sig), name);
    EXPECT_TRUE(k.verify(data, *sig));
  }
  // Other key types ignore the flags.
  const key ed = *generate_key(key_type::ed25519);
  ASSERT_TRUE(agent_.add(ed, ""));
  EXPECT_EQ(algorithm_of(*agent_.sign(ed, data, sign_flags::rsa_sha2_512)), "ssh-ed25519");
}

TEST_F(MemoryAgent, RefusesPublicKeysAndConfirmationAndEnforcesTheCap) {
  const key k = *generate_key(key_type::ed25519);
  EXPECT_EQ(agent_.add(k.public_only(), "").code(), errc::not_a_private_key);
  EXPECT_EQ(agent_.add(k, "", key_constraints{std::nullopt, true}).code(), errc::agent_refused);
  const key held = *generate_key(key_type::ed25519);
  ASSERT_TRUE(agent_.add(held, ""));
  for (std::size_t i = 1; i < agent_protocol::limits::max_identities; ++i) {
    ASSERT_TRUE(agent_.add(*generate_key(key_type::ed25519), ""));
  }
  EXPECT_EQ(agent_.add(k, "").code(), errc::agent_busy);
  // Replacing a key already held is not an addition.
  EXPECT_TRUE(agent_.add(held, "renamed"));
}

TEST(MemoryAgentLifetime, KeysExpireWithTheInjectedClock) {
  boost::asio::io_context ctx;
  memory_agent::clock::time_point now{};
  memory_agent agent(ctx.get_executor(), [&] { return now; });
  const key k = *generate_key(key_type::ed25519);
  ASSERT_TRUE(agent.add(k, "", key_constraints{10, false}));
  now += std::chrono::seconds(9);
  EXPECT_EQ(agent.size(), 1u);
  EXPECT_TRUE(agent.sign(k, bytes{1}, sign_flags::none));
  now += std::chrono::seconds(1);
  EXPECT_EQ(agent.size(), 0u);
  EXPECT_EQ(agent.sign(k, bytes{1}, sign_flags::none).code(), errc::agent_failure);
}

TEST_F(MemoryAgent, AsyncInterfaceCompletesOutsideTheInitiatingCall) {
  const key k = *generate_key(key_type::ecdsa_p384);
  bool called = false;
  agent_.async_add_identity(k, "async", [&](error_code ec) {
    EXPECT_FALSE(ec);
    called = true;
  });
  EXPECT_FALSE(called);  // posted, not run inline
  ctx_.run();
  EXPECT_TRUE(called);

  auto [ec, ids] = run_async<error_code, std::vector<key>>(ctx_, [&](auto h) { agent_.async_identities(h); });
  EXPECT_FALSE(ec);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].comment(), "async");
  auto [sec, sig] = run_async<error_code, bytes>(
      ctx_, [&](auto h) { agent_.async_sign(ids[0], bytes{7}, sign_flags::none, h); });
  EXPECT_FALSE(sec);
  EXPECT_TRUE(k.verify(bytes{7}, sig));
  auto [rec] = run_async<error_code>(ctx_, [&](auto h) { agent_.async_remove_identity(k, h); });
  EXPECT_FALSE(rec);
  auto [again] = run_async<error_code>(ctx_, [&](auto h) { agent_.async_remove_identity(k, h); });
  EXPECT_EQ(again, errc::agent_failure);
  auto [all] = run_async<error_code>(ctx_, [&](auto h) { agent_.async_remove_all(h); });
  EXPECT_FALSE(all);
  // Locking is agent_server's job.
  auto [lock] = run_async<error_code>(ctx_, [&](auto h) { agent_.async_lock("pw", h); });
  EXPECT_EQ(lock, errc::agent_refused);
}

TEST(CreateAgent, UsesThePathOrSshAuthSock) {
  boost::asio::io_context ctx;
  const char* saved = std::getenv("SSH_AUTH_SOCK");
  const std::string saved_value = saved ? saved : "";
  ::unsetenv("SSH_AUTH_SOCK");
  EXPECT_EQ(create_agent(ctx.get_executor()).code(), errc::agent_unavailable);
  auto given = create_agent(ctx.get_executor(), "/run/given.sock");
  ASSERT_TRUE(given);
  EXPECT_EQ(dynamic_cast<openssh_agent&>(**given).socket_path(), "/run/given.sock");
  ::setenv("SSH_AUTH_SOCK", "/run/env.sock", 1);
  auto from_env = create_agent(ctx.get_executor());
  ASSERT_TRUE(from_env);
  EXPECT_EQ(dynamic_cast<openssh_agent&>(**from_env).socket_path(), "/run/env.sock");
  if (saved) {
    ::setenv("SSH_AUTH_SOCK", saved_value.c_str(), 1);
  } else {
    ::unsetenv("SSH_AUTH_SOCK");
  }
}

TEST(OpensshAgent, ReportsAMissingSocket) {
  boost::asio::io_context ctx;
  openssh_agent agent(ctx.get_executor(), "/nonexistent/sshlib-test/agent.sock");
  auto [ec, ids] = run_async<error_code, std::vector<key>>(ctx, [&](auto h) { agent.async_identities(h); });
  EXPECT_TRUE(ec);
  EXPECT_TRUE(ids.empty());
}

}  // namespace
}  // namespace sshlib
