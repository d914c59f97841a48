// Debian's promtool (package prometheus, a declared dependency in deploy/install-deps.sh)
// checks a real exposition: every metric kind, labels with escaping, folded values, the
// process collector and build info. A missing promtool fails the test; it is not skipped.
#include <bastion/metrics/build_info.hpp>
#include <bastion/metrics/process_collector.hpp>
#include <bastion/metrics/registry.hpp>

#include "test_files.hpp"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bastion::metrics {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string full_exposition() {
  registry r("bastion", 2);
  const auto accepted =
      r.add_counter("bastion_proxy_connections_accepted_total", "Inbound connections accepted.");
  const auto auth =
      r.add_counter("bastion_auth_attempts_total", "Authentication attempts by method and result.",
                    {fixed_label("method", {"publickey", "password", "keyboard-interactive"}),
                     fixed_label("result", {"success", "failure"})});
  const auto sessions = r.add_gauge("bastion_proxy_sessions", "Active sessions by mode.",
                                    {fixed_label("mode", {"shell", "exec", "sftp"})});
  const auto upstream = r.add_histogram("bastion_upstream_connect_duration_seconds",
                                        "Upstream connect duration by target.",
                                        {0.005, 0.05, 0.5, 5}, {bounded_label("target", 2)});
  accepted.inc(r.shard(0), {}, 3);
  auth.inc(r.shard(1), auth.series({"password", "failure"}));
  auth.inc(r.shard(1), auth.series({"none", "failure"}));  // folds into "other"
  sessions.add(r.shard(0), sessions.series({"shell"}), 2);
  for (const auto* target : {"web \"prod\"", "db\\1", "third", "fourth"}) {
    upstream.observe(r.shard(0), upstream.series({target}), 0.03);
  }
  r.add_collector(process_collector());
  add_build_info(r, "0.1.0", {{"revision", "abc123"}});
  return r.scrape();
}

struct check_result {
  int exit_status = -1;
  std::string output;
};

/// Runs `promtool check metrics` on `text`; fails the test when promtool is missing.
check_result promtool_check(const std::string& text) {
  const std::filesystem::path promtool = BASTION_PROMTOOL;
  if (!std::filesystem::exists(promtool)) {
    ADD_FAILURE() << promtool << " is missing: it comes from Debian's prometheus package; run "
                  << "deploy/install-deps.sh";
    return {};
  }
  test::temp_dir dir;
  const auto in = dir.write("metrics.txt", text);
  const auto out = dir.path() / "promtool.out";
  const std::string command =
      promtool.string() + " check metrics < '" + in.string() + "' > '" + out.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(out)};
}

TEST(Promtool, ChecksARealExposition) {
  const auto text = full_exposition();
  // The process collector and build info made it in.
  ASSERT_NE(text.find("process_open_fds "), std::string::npos) << text;
  ASSERT_NE(text.find("bastion_build_info{version=\"0.1.0\",revision=\"abc123\"} 1"),
            std::string::npos);
  const auto r = promtool_check(text);
  EXPECT_EQ(r.exit_status, 0) << "promtool said:\n" << r.output << "\non:\n" << text;
}

// The check above means something only if promtool does fail on a lint problem.
TEST(Promtool, FailsOnACounterWithoutTotal) {
  const auto r = promtool_check("# HELP x_bytes X.\n# TYPE x_bytes counter\nx_bytes 1\n");
  EXPECT_NE(r.exit_status, 0);
  EXPECT_NE(r.output.find("_total"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace bastion::metrics
