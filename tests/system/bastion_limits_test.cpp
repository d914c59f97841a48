// A rule's session limits end to end: a session idle for the rule's idle timeout is ended
// with the reason on the user's stderr (terminating mode) or closed (hop mode); an active
// session is ended at the maximum duration; a session beyond max_sessions is refused with
// the reason while the first one goes on.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

namespace bastion::test {
namespace {

struct BastionLimits : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty()) {
      std::cout << "skipped: " << why << "\n";
      GTEST_SKIP() << why;
    }
    t = f.add_sshd_target();
  }
  void start(const nlohmann::json& limits) {
    f.start(f.alice_web1_policy(f.key_login_target(t),
                                {{"allow", {{"exec", true}}}, {"limits", limits}}));
  }
  std::vector<std::string> alice(const std::string& command) {
    return {"ssh", "-F", (f.dir() / "ssh_config").string(), "-l", "alice+web1", "bastion", command};
  }
};

TEST_F(BastionLimits, AnIdleTerminatingSessionIsEndedWithItsReason) {
  start({{"idle_timeout_seconds", 2}});
  const auto began = std::chrono::steady_clock::now();
  auto r = f.ssh({"-l", "alice+web1", "bastion", "sleep 50; echo too-late"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bastion: the session was idle for 2 s"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("too-late"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(30));
}

TEST_F(BastionLimits, AnIdleHopIsClosed) {
  start({{"idle_timeout_seconds", 2}});
  const auto began = std::chrono::steady_clock::now();
  auto r = f.ssh({"target0", "sleep 50; echo too-late"});
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("too-late"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(30));
  const auto events = f.events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["event"] == "session_limit" && e["target"] == "web1";
  }));
}

TEST_F(BastionLimits, AnActiveSessionIsEndedAtItsMaximumDuration) {
  start({{"max_duration_seconds", 2}, {"idle_timeout_seconds", 0}});
  auto r = f.ssh({"-l", "alice+web1", "bastion",
                  "for i in $(seq 200); do echo tick; sleep 0.1; done; echo too-late"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("maximum duration of 2 s"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("tick"), std::string::npos);
  EXPECT_EQ(r.out.find("too-late"), std::string::npos);
}

TEST_F(BastionLimits, ASessionBeyondMaxSessionsIsRefusedWhileTheFirstGoesOn) {
  start({{"max_sessions", 1}});
  sshlib::test::child_process first(alice("echo first-started; sleep 50"));
  ASSERT_TRUE(first.wait_for_output("first-started", std::chrono::seconds(30))) << first.err();
  auto second = f.ssh({"-l", "alice+web1", "bastion", "echo", "second"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_EQ(second.out.find("second"), std::string::npos);
  EXPECT_NE(second.err.find("already has 1 sessions through rule alice-web"), std::string::npos)
      << second.err;
}

}  // namespace
}  // namespace bastion::test
