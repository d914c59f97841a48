// The text exposition: exact output for a small registry, escaping and number formatting.
#include <bastion/metrics/exposition.hpp>
#include <bastion/metrics/registry.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bastion::metrics {
namespace {

TEST(Exposition, SmallRegistryExactly) {
  registry r("demo", 2);
  const auto accepted =
      r.add_counter("demo_proxy_connections_accepted_total", "Connections accepted.");
  const auto auth = r.add_counter("demo_proxy_auth_attempts_total", "Authentication attempts.",
                                  {fixed_label("method", {"publickey", "password"}),
                                   fixed_label("result", {"success", "failure"})});
  const auto sessions =
      r.add_gauge("demo_proxy_sessions", "Active sessions.", {bounded_label("mode", 2)});
  const auto handshake =
      r.add_histogram("demo_proxy_handshake_seconds", "Handshake duration.", {0.25, 1});

  accepted.inc(r.shard(0), {}, 2);
  accepted.inc(r.shard(1), {}, 3);
  auth.inc(r.shard(1), auth.series({"password", "failure"}));
  sessions.add(r.shard(0), sessions.series({"shell"}), 1);
  handshake.observe(r.shard(0), 0.0625);
  handshake.observe(r.shard(1), 0.5);
  handshake.observe(r.shard(1), 4);

  EXPECT_EQ(
      r.scrape(),
      "# HELP demo_metrics_label_values_folded_total Label values counted under \"other\" "
      "because they were outside the declared set or over the cap.\n"
      "# TYPE demo_metrics_label_values_folded_total counter\n"
      "demo_metrics_label_values_folded_total{metric=\"demo_proxy_auth_attempts_total\",label="
      "\"method\"} 0\n"
      "demo_metrics_label_values_folded_total{metric=\"demo_proxy_auth_attempts_total\",label="
      "\"result\"} 0\n"
      "demo_metrics_label_values_folded_total{metric=\"demo_proxy_sessions\",label=\"mode\"} 0\n"
      "# HELP demo_proxy_auth_attempts_total Authentication attempts.\n"
      "# TYPE demo_proxy_auth_attempts_total counter\n"
      "demo_proxy_auth_attempts_total{method=\"password\",result=\"failure\"} 1\n"
      "demo_proxy_auth_attempts_total{method=\"password\",result=\"success\"} 0\n"
      "demo_proxy_auth_attempts_total{method=\"publickey\",result=\"failure\"} 0\n"
      "demo_proxy_auth_attempts_total{method=\"publickey\",result=\"success\"} 0\n"
      "# HELP demo_proxy_connections_accepted_total Connections accepted.\n"
      "# TYPE demo_proxy_connections_accepted_total counter\n"
      "demo_proxy_connections_accepted_total 5\n"
      "# HELP demo_proxy_handshake_seconds Handshake duration.\n"
      "# TYPE demo_proxy_handshake_seconds histogram\n"
      "demo_proxy_handshake_seconds_bucket{le=\"0.25\"} 1\n"
      "demo_proxy_handshake_seconds_bucket{le=\"1\"} 2\n"
      "demo_proxy_handshake_seconds_bucket{le=\"+Inf\"} 3\n"
      "demo_proxy_handshake_seconds_sum 4.5625\n"
      "demo_proxy_handshake_seconds_count 3\n"
      "# HELP demo_proxy_sessions Active sessions.\n"
      "# TYPE demo_proxy_sessions gauge\n"
      "demo_proxy_sessions{mode=\"shell\"} 1\n");
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("plain ünïcode"), "plain ünïcode");
  EXPECT_EQ(escape_help("back\\slash \"quoted\"\nnext"), "back\\\\slash \"quoted\"\\nnext");

  const family_snapshot f{"x_info",
                          "Odd \\ help\nline.",
                          metric_kind::gauge,
                          {},
                          {{{{"path", "C:\\dir \"q\"\n"}}, 1, {}, 0}}};
  EXPECT_EQ(render({&f, 1}),
            "# HELP x_info Odd \\\\ help\\nline.\n"
            "# TYPE x_info gauge\n"
            "x_info{path=\"C:\\\\dir \\\"q\\\"\\n\"} 1\n");
}

TEST(Exposition, FormatsValues) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(0.5), "0.5");
  EXPECT_EQ(format_value(-2.25), "-2.25");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(HUGE_VAL), "+Inf");
  EXPECT_EQ(format_value(-HUGE_VAL), "-Inf");
}

TEST(Exposition, HistogramWithLabelsPutsLeLast) {
  const family_snapshot f{
      "h_seconds", "H.", metric_kind::histogram, {0.5}, {{{{"target", "db"}}, 0, {2, 1}, 1.75}}};
  EXPECT_EQ(render({&f, 1}),
            "# HELP h_seconds H.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{target=\"db\",le=\"0.5\"} 2\n"
            "h_seconds_bucket{target=\"db\",le=\"+Inf\"} 3\n"
            "h_seconds_sum{target=\"db\"} 1.75\n"
            "h_seconds_count{target=\"db\"} 3\n");
}

}  // namespace
}  // namespace bastion::metrics
