// The bastion's metrics end to end: a live scrape of /metrics that Debian's promtool
// accepts, /healthz and /readyz, the bearer token, counters that agree with the audit log
// of the same run, and a real Prometheus server (Debian's) scraping the bastion during a
// system test, whose PromQL answer is the number of sessions the test made.
#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>

namespace bastion::test {
namespace {

struct http_reply {
  int status = 0;
  std::string body;
};

// GET with curl; the status code comes last on stdout.
http_reply http_get(const std::string& url, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{"curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  auto r = sshlib::test::run_process(argv);
  http_reply out;
  const auto nl = r.out.rfind('\n');
  if (r.exit_code != 0 || nl == std::string::npos) return out;
  out.status = std::atoi(r.out.c_str() + nl + 1);
  out.body = r.out.substr(0, nl);
  return out;
}

// The value of the sample whose name and labels are exactly `series` (as exposed), or -1.
double sample(const std::string& exposition, const std::string& series) {
  const auto at = exposition.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(exposition.substr(at + series.size() + 2));
}

struct BastionMetrics : ::testing::Test {
  bastion_fixture f;
  std::uint16_t metrics_port = 0;
  std::size_t t = 0;

  void SetUp() override {
    if (auto why = sshlib::test::listening_sshd::unavailable_reason(); !why.empty()) {
      std::cout << "skipped: " << why << "\n";
      GTEST_SKIP() << why;
    }
    t = f.add_sshd_target();
    metrics_port = sshlib::test::free_loopback_port();
    f.extra_config["metrics"] = {{"listen", "127.0.0.1:" + std::to_string(metrics_port)}};
  }
  std::string url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(metrics_port) + path;
  }
  void start() {
    f.start(f.alice_web1_policy(f.key_login_target(t), {{"allow", {{"exec", true}}}}));
  }
  std::size_t count_events(const std::function<bool(const nlohmann::json&)>& match) {
    const auto events = f.events();
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), match));
  }
  // Runs `n` terminating-mode sessions and one refused exec... then waits until each
  // connection's disconnect is in the audit log.
  void make_sessions(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = f.ssh({"-l", "alice+web1", "bastion", "echo", "s" + std::to_string(i)});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto refused = f.ssh({"-tt", "-l", "alice+web1", "bastion"});  // no shell, no pty
    EXPECT_NE(refused.exit_code, 0);
    ASSERT_TRUE(eventually(
        [&] {
          return count_events([](const auto& e) { return e["event"] == "disconnect"; }) ==
                 static_cast<std::size_t>(n + 1);
        },
        std::chrono::seconds(30)));
  }
};

TEST_F(BastionMetrics, ALiveScrapePassesPromtoolAndAgreesWithTheAuditLog) {
  start();
  make_sessions(3);
  auto scrape = http_get(url("/metrics"));
  ASSERT_EQ(scrape.status, 200) << scrape.body;

  auto check = sshlib::test::run_process({"promtool", "check", "metrics"}, scrape.body);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  const auto& m = scrape.body;
  auto events_where = [&](const char* event, const char* key, const char* value) {
    return static_cast<double>(count_events([&](const nlohmann::json& e) {
      return e["event"] == event && e.contains(key) && e[key] == value;
    }));
  };
  EXPECT_EQ(sample(m, "bastion_auth_attempts_total{method=\"publickey\",result=\"success\"}"),
            events_where("auth", "result", "success"));
  EXPECT_EQ(sample(m, "bastion_channels_opened_total{type=\"session\"}"),
            events_where("channel_open", "type", "session"));
  EXPECT_EQ(sample(m, "bastion_channels_opened_total{type=\"session\"}"), 4);
  EXPECT_EQ(sample(m, "bastion_upstream_connects_total{target=\"web1\",result=\"success\"}"),
            events_where("upstream_connect", "target", "web1"));
  EXPECT_EQ(sample(m, "bastion_policy_denials_total{kind=\"pty\"}"),
            events_where("request_denied", "request", "pty-req"));
  double bytes_down = 0;
  for (const auto& e : f.events()) {
    if (e["event"] == "channel_close") bytes_down += e["bytes_down"].get<double>();
  }
  EXPECT_GT(bytes_down, 0);
  EXPECT_EQ(sample(m, "bastion_relayed_bytes_total{direction=\"down\",mode=\"terminating\"}"),
            bytes_down);
  EXPECT_EQ(sample(m, "bastion_connections_active"), 0);
  EXPECT_EQ(sample(m, "bastion_sessions_active{mode=\"terminating\"}"), 0);
  EXPECT_GE(sample(m, "bastion_connections_accepted_total"), 4);
  EXPECT_GT(sample(m, "process_resident_memory_bytes"), 0);
  EXPECT_NE(m.find("bastion_build_info{"), std::string::npos);
}

// Every metric the shipped Grafana dashboard queries is one the bastion exposes: a renamed
// metric cannot leave a panel silently empty.
TEST_F(BastionMetrics, TheDashboardQueriesOnlyMetricsTheBastionExposes) {
  start();
  auto scrape = http_get(url("/metrics"));
  ASSERT_EQ(scrape.status, 200);
  const auto dashboard = nlohmann::json::parse(
      read_file(std::filesystem::path(BASTION_DEPLOY_DIR) / "grafana" / "bastion-dashboard.json"));
  std::size_t checked = 0;
  const std::regex metric_name(R"(\b((bastion|process)_[a-z_]+)\b)");
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      const auto expr = target["expr"].get<std::string>();
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric_name), end; it != end; ++it) {
        auto name = (*it)[1].str();
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
          if (name.size() > std::strlen(suffix) &&
              name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0) {
            name.resize(name.size() - std::strlen(suffix));
          }
        }
        EXPECT_NE(scrape.body.find("# TYPE " + name + " "), std::string::npos)
            << "panel \"" << panel["title"].get<std::string>() << "\" queries " << name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST_F(BastionMetrics, HealthAndReadinessAnswerAndATokenIsRequiredWhenConfigured) {
  std::ofstream(f.dir() / "token") << "s3cret-token\n";
  f.extra_config["metrics"]["bearer_token_file"] = (f.dir() / "token").string();
  start();
  EXPECT_EQ(http_get(url("/metrics")).status, 401);
  EXPECT_EQ(http_get(url("/healthz"), {"-H", "Authorization: Bearer wrong"}).status, 401);
  const std::vector<std::string> auth{"-H", "Authorization: Bearer s3cret-token"};
  EXPECT_EQ(http_get(url("/healthz"), auth).status, 200);
  EXPECT_EQ(http_get(url("/readyz"), auth).status, 200);
  EXPECT_EQ(http_get(url("/metrics"), auth).status, 200);
}

TEST_F(BastionMetrics, APrometheusServerScrapesTheSessionCountTheTestMade) {
  start();
  const auto prom_port = sshlib::test::free_loopback_port();
  const auto config = f.dir() / "prometheus.yml";
  std::ofstream(config) << "global:\n  scrape_interval: 1s\n"
                        << "scrape_configs:\n  - job_name: bastion\n    static_configs:\n"
                        << "      - targets: ['127.0.0.1:" << metrics_port << "']\n";
  sshlib::test::background_process prometheus(
      {"prometheus", "--config.file=" + config.string(),
       "--storage.tsdb.path=" + (f.dir() / "tsdb").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
      {}, f.dir() / "prometheus.log");
  const auto api = "http://127.0.0.1:" + std::to_string(prom_port);
  ASSERT_TRUE(eventually([&] { return http_get(api + "/-/ready").status == 200; },
                         std::chrono::seconds(60)))
      << read_file(f.dir() / "prometheus.log");

  make_sessions(5);
  // Prometheus has the count once it has scraped after the sessions: PromQL through its
  // HTTP API, asked until the answer is the test's (or the deadline passes).
  std::string last;
  const bool seen = eventually(
      [&] {
        auto r = http_get(api + "/api/v1/query",
                          {"-G", "--data-urlencode",
                           "query=sum(bastion_channels_opened_total{type=\"session\"})"});
        last = r.body;
        if (r.status != 200) return false;
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (j.is_discarded() || j["data"]["result"].empty()) return false;
        return j["data"]["result"][0]["value"][1] == "6";
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(seen) << last << "\n" << read_file(f.dir() / "prometheus.log");
}

// The event log on a full disk (a file size limit just above what it holds): sessions go on,
// and the lines that could not be written are counted.
TEST_F(BastionMetrics, EventLogLinesThatCannotBeWrittenAreCounted) {
  start();
  f.limit_file_size(std::filesystem::file_size(f.dir() / "events.jsonl") + 100);
  auto r = f.ssh({"-l", "alice+web1", "bastion", "echo", "still-served"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "still-served\n");
  auto scrape = http_get(url("/metrics"));
  ASSERT_EQ(scrape.status, 200) << scrape.body;
  EXPECT_GT(sample(scrape.body, "bastion_audit_log_write_errors_total"), 0) << scrape.body;
  auto check = sshlib::test::run_process({"promtool", "check", "metrics"}, scrape.body);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace bastion::test
