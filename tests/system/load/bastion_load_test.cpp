// 100 concurrent terminating-mode sessions through the daemon, each carrying its bytes
// exactly. A binary of its own, run serially by CTest: it loads both cores for minutes,
// and the other system tests should not share the machine with it.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <sys/stat.h>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>

namespace bastion::test {
namespace {

// The target is an sshd told to take 100 logins at once (its MaxStartups default drops
// most of them, which the bastion would rightly report as "cannot reach").
struct BastionLoad : ::testing::Test {
  bastion_fixture f;
  std::size_t t = 0;
  nlohmann::json target;
  nlohmann::json rule;
  nlohmann::json policy() const {
    return {{"users", {{"alice", {{"public_keys", {read_public_line(f.user_key())}}}}}},
            {"targets", {{"web1", target}}},
            {"rules", {rule}}};
  }

  void SetUp() override {
    const auto why = sshlib::test::listening_sshd::unavailable_reason();
    if (!why.empty()) GTEST_SKIP() << why;
    t = f.add_sshd_target({"MaxStartups 200", "MaxSessions 200"});
    target = f.target_entry(t);
    const auto key = f.dir() / "upstream_ed25519";
    auto r = sshlib::test::run_process(
        {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    f.sshd(t).server().authorize(read_public_line(key));
    target["upstream_auth"] = {{"method", "key"}, {"key_file", key.string()}};
    rule = {{"name", "alice-web"},
            {"users", {"alice"}},
            {"targets", {"web1"}},
            {"logins", {sshlib::test::sshd_server::user()}},
            {"allow", {{"exec", true}}},
            // All 100 sessions are alice's through this rule (the default allows 10).
            {"limits", {{"max_sessions", 200}}}};
  }
};

TEST_F(BastionLoad, HundredConcurrentSessionsCarryTheirBytesExactly) {
  f.start(policy(), {{"upstream_connect_timeout_seconds", 120}});
  constexpr int sessions = 100;
  std::vector<std::string> payloads;
  std::vector<std::unique_ptr<sshlib::test::child_process>> procs;
  for (int i = 0; i < sessions; ++i) {
    payloads.push_back(
        random_bytes(256 * 1024 + static_cast<std::size_t>(i), static_cast<unsigned>(i)));
    procs.push_back(std::make_unique<sshlib::test::child_process>(
        std::vector<std::string>{"ssh", "-F", (f.dir() / "ssh_config").string(), "-l", "alice+web1",
                                 "bastion", "sha256sum"},
        payloads.back()));
  }
  int exact = 0;
  for (int i = 0; i < sessions; ++i) {
    auto r = procs[static_cast<std::size_t>(i)]->wait(std::chrono::seconds(240));
    if (r.exit_code == 0 &&
        r.out.substr(0, 64) == sha256_hex(payloads[static_cast<std::size_t>(i)])) {
      ++exact;
    } else {
      ADD_FAILURE() << "session " << i << ": exit " << r.exit_code << " " << r.err;
    }
  }
  EXPECT_EQ(exact, sessions);
  if (exact != sessions) {
    auto b = f.process().stop(SIGTERM, std::chrono::seconds(20));
    ADD_FAILURE() << "the bastion's stderr:\n"
                  << b.err.substr(0, 4000) << "\nits log:\n"
                  << read_file(f.dir() / "events.jsonl").substr(0, 6000);
  }
}

}  // namespace
}  // namespace bastion::test
