// Decisions within a grant: each channel kind, local and remote forwards, default deny.
#include <bastion/policy/authorization.hpp>

#include "policy_fixtures.hpp"

namespace bastion::policy {
namespace {

grant granted(const nlohmann::json& allow) {
  auto doc = test::base_policy(test::new_key());
  doc["rules"][0]["allow"] = allow;
  const auto p = test::must_load(doc);
  if (!p) throw std::runtime_error("policy");
  auto d = authorize_target(
      *p, access_request{"alice", "10.0.0.1", "web1", std::nullopt, access_mode::terminating});
  if (!d.granted) throw std::runtime_error(d.verdict.reason);
  return *d.granted;
}

TEST(Grant, EverythingDeniedByDefault) {
  const auto g = granted(nlohmann::json::object());
  for (const auto kind :
       {channel_kind::shell, channel_kind::exec, channel_kind::pty, channel_kind::x11,
        channel_kind::agent_forwarding, channel_kind::subsystem}) {
    EXPECT_FALSE(allow_channel(g, kind, "sftp")) << static_cast<int>(kind);
  }
  EXPECT_FALSE(allow_local_forward(g, "db1.internal", 5432));
  EXPECT_FALSE(allow_remote_forward(g, "", 8080));
}

TEST(Grant, EnvironmentVariablesByNameOrPrefix) {
  const auto defaults = granted(nlohmann::json::object());
  EXPECT_TRUE(allow_env(defaults, "LANG"));
  EXPECT_TRUE(allow_env(defaults, "LC_ALL"));
  EXPECT_TRUE(allow_env(defaults, "LC_"));
  EXPECT_FALSE(allow_env(defaults, "LD_PRELOAD"));
  EXPECT_FALSE(allow_env(defaults, "LANGUAGE")) << "a name without * matches only itself";
  EXPECT_EQ(allow_env(defaults, "PATH").reason,
            "rule ops-web does not allow the environment variable PATH on web1");

  const auto g = granted({{"env", {"TZ", "APP_*"}}});
  EXPECT_TRUE(allow_env(g, "TZ"));
  EXPECT_TRUE(allow_env(g, "APP_MODE"));
  EXPECT_FALSE(allow_env(g, "LANG")) << "a rule's list replaces the default";
  EXPECT_FALSE(allow_env(granted({{"env", nlohmann::json::array()}}), "LANG"));
}

TEST(Grant, ChannelKindsAllowedOneByOne) {
  const auto g = granted({{"shell", true}, {"pty", true}, {"subsystems", {"sftp"}}});
  const auto shell = allow_channel(g, channel_kind::shell);
  EXPECT_TRUE(shell.allowed);
  EXPECT_EQ(shell.reason, "rule ops-web allows shell sessions on web1");
  EXPECT_EQ(shell.rule, "ops-web");
  EXPECT_TRUE(allow_channel(g, channel_kind::pty));
  EXPECT_TRUE(allow_channel(g, channel_kind::subsystem, "sftp"));
}

TEST(Grant, DeniedShell) {
  EXPECT_EQ(allow_channel(granted({{"exec", true}}), channel_kind::shell).reason,
            "rule ops-web does not allow shell sessions on web1");
}

TEST(Grant, DeniedExec) {
  EXPECT_EQ(allow_channel(granted({{"shell", true}}), channel_kind::exec).reason,
            "rule ops-web does not allow command execution on web1");
}

TEST(Grant, DeniedPty) {
  EXPECT_EQ(allow_channel(granted({{"shell", true}}), channel_kind::pty).reason,
            "rule ops-web does not allow a pseudo-terminal on web1");
}

TEST(Grant, DeniedSubsystem) {
  const auto d =
      allow_channel(granted({{"subsystems", {"sftp"}}}), channel_kind::subsystem, "netconf");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "rule ops-web does not allow the subsystem \"netconf\" on web1");
}

TEST(Grant, DeniedAgentForwarding) {
  const auto g = granted({{"x11", true}});
  EXPECT_EQ(allow_channel(g, channel_kind::agent_forwarding).reason,
            "rule ops-web does not allow agent forwarding on web1");
  EXPECT_TRUE(allow_channel(granted({{"agent_forwarding", true}}), channel_kind::agent_forwarding));
}

TEST(Grant, DeniedX11) {
  const auto g = granted({{"agent_forwarding", true}, {"x11", false}});
  EXPECT_EQ(allow_channel(g, channel_kind::x11).reason,
            "rule ops-web does not allow X11 forwarding on web1");
  EXPECT_TRUE(allow_channel(granted({{"x11", true}}), channel_kind::x11));
}

TEST(Grant, LocalForwardHostAndPort) {
  const auto g = granted({{"local_forwards", {{{"host", "db1.internal"}, {"ports", {5432}}}}}});
  EXPECT_TRUE(allow_local_forward(g, "db1.internal", 5432));
  EXPECT_TRUE(allow_local_forward(g, "DB1.Internal", 5432));
  EXPECT_EQ(allow_local_forward(g, "db2", 5432).reason,
            "rule ops-web does not allow local forwards to db2:5432 on web1");
  EXPECT_EQ(allow_local_forward(g, "db1.internal", 5433).reason,
            "rule ops-web does not allow local forwards to db1.internal:5433 on web1");
}

TEST(Grant, LocalForwardWildcards) {
  const auto g =
      granted({{"local_forwards",
                {{{"host", "*"}, {"ports", {443}}}, {{"host", "cache"}, {"ports", "*"}}}}});
  EXPECT_TRUE(allow_local_forward(g, "anything.example", 443));
  EXPECT_FALSE(allow_local_forward(g, "anything.example", 80));
  EXPECT_TRUE(allow_local_forward(g, "cache", 6379));
}

TEST(Grant, RemoteForwardPorts) {
  const auto g = granted({{"remote_forwards", {{{"ports", {8080, 8081}}}}}});
  EXPECT_TRUE(allow_remote_forward(g, "", 8080));
  EXPECT_TRUE(allow_remote_forward(g, "localhost", 8081));
  EXPECT_EQ(allow_remote_forward(g, "localhost", 9090).reason,
            "rule ops-web does not allow remote forwards on localhost:9090 on web1");
  EXPECT_EQ(allow_remote_forward(g, "", 0).reason,
            "rule ops-web does not allow remote forwards on the default address:0 on web1");
}

TEST(Grant, RemoteForwardBindAddressesDefaultToLoopback) {
  const auto g = granted({{"remote_forwards", {{{"ports", {8080}}}}}});
  EXPECT_FALSE(allow_remote_forward(g, "0.0.0.0", 8080));
  EXPECT_FALSE(allow_remote_forward(g, "*", 8080));
  const auto any = granted({{"remote_forwards", {{{"ports", "*"}, {"bind_addresses", {"*"}}}}}});
  EXPECT_TRUE(allow_remote_forward(any, "0.0.0.0", 0));
}

}  // namespace
}  // namespace bastion::policy
