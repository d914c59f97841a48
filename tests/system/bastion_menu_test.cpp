// The menu for a login without a target, as a chooser on a pty: `ssh -tt alice@bastion`
// lists the targets alice may reach in terminating mode, numbered; typing a number (or a
// name) continues the session on that target with the pty, and what was typed after the
// choice reaches the target's shell. A wrong answer is explained and asked again.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

namespace bastion::test {
namespace {

struct BastionMenu : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty()) {
      std::cout << "skipped: " << why << "\n";
      GTEST_SKIP() << why;
    }
    t = f.add_sshd_target();
    f.start(f.alice_web1_policy(
        f.key_login_target(t),
        {{"modes", {"terminating"}}, {"allow", {{"shell", true}, {"pty", true}}}}));
  }
};

TEST_F(BastionMenu, ThePtyMenuContinuesOnTheChosenTarget) {
  auto r = f.ssh({"-tt", "bastion"}, "1\recho $((6*7))\rexit\r");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1) web1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("42"), std::string::npos) << r.out;
  const auto events = f.events();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const nlohmann::json& e) {
    return e["event"] == "session" && e["target"] == "web1" && e.value("via", "") == "menu";
  }));
}

TEST_F(BastionMenu, AChoiceByNameWorksAndAWrongOneIsExplained) {
  auto r = f.ssh({"-tt", "bastion"}, "nosuch\rweb1\recho chosen-by-name\rexit\r");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no target \"nosuch\" here"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chosen-by-name\r\n"), std::string::npos) << r.out;
}

TEST_F(BastionMenu, AnEmptyAnswerLeaves) {
  auto r = f.ssh({"-tt", "bastion"}, "\r");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bye"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace bastion::test
