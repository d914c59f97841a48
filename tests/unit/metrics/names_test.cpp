// Name rules: Prometheus syntax and the house rule, enforced at declaration.
#include <bastion/metrics/names.hpp>
#include <bastion/metrics/registry.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace bastion::metrics {
namespace {

TEST(Names, PrometheusSyntax) {
  EXPECT_TRUE(is_valid_metric_name("process_open_fds"));
  EXPECT_TRUE(is_valid_metric_name("a:b_C9"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("9lives"));
  EXPECT_FALSE(is_valid_metric_name("with-dash"));
  EXPECT_TRUE(is_valid_label_name("target"));
  EXPECT_FALSE(is_valid_label_name("__reserved"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
  EXPECT_FALSE(is_valid_label_name(""));
}

TEST(Names, AcceptsTheHouseRule) {
  EXPECT_NO_THROW(check_declared_metric_name("bastion", "bastion_proxy_connections_accepted_total",
                                             metric_kind::counter));
  EXPECT_NO_THROW(check_declared_metric_name("bastion", "bastion_proxy_handshake_seconds",
                                             metric_kind::histogram));
  EXPECT_NO_THROW(
      check_declared_metric_name("bastion", "bastion_proxy_sessions", metric_kind::gauge));
}

TEST(Names, RejectsNamesBreakingTheHouseRule) {
  const struct {
    const char* name;
    metric_kind kind;
  } bad[] = {
      {"bastion_proxy_connections", metric_kind::counter},               // counter without _total
      {"bastion_proxy_sessions_total", metric_kind::gauge},              // _total on a gauge
      {"other_proxy_sessions", metric_kind::gauge},                      // wrong prefix
      {"bastionx_proxy_sessions", metric_kind::gauge},                   // prefix not a segment
      {"bastion_sessions", metric_kind::gauge},                          // no component
      {"bastion_proxy_total", metric_kind::counter},                     // no what
      {"bastion_Proxy_sessions", metric_kind::gauge},                    // upper case
      {"bastion_proxy__sessions", metric_kind::gauge},                   // empty segment
      {"bastion_proxy_sessions_", metric_kind::gauge},                   // trailing underscore
      {"bastion_proxy_handshake_milliseconds", metric_kind::histogram},  // scaled unit
      {"bastion_proxy_relay_kb_total", metric_kind::counter},            // scaled unit inside
      {"bastion_proxy_sessions_count", metric_kind::gauge},              // histogram suffix
      {"bastion_proxy_latency_bucket", metric_kind::gauge},              // histogram suffix
      {"bastion_proxy-sessions", metric_kind::gauge},                    // invalid character
  };
  for (const auto& b : bad) {
    EXPECT_THROW(check_declared_metric_name("bastion", b.name, b.kind), std::invalid_argument)
        << b.name;
  }
}

TEST(Names, RejectsBadLabelNames) {
  for (const auto* name : {"le", "quantile", "Target", "__x", "", "a-b", "9a", "a__b"}) {
    EXPECT_THROW(check_declared_label_name(name), std::invalid_argument) << name;
  }
  EXPECT_NO_THROW(check_declared_label_name("target"));
}

TEST(Names, RegistryRejectsBadDeclarations) {
  registry r("bastion", 1);
  EXPECT_THROW(r.add_counter("bastion_proxy_things", "Things."), std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", ""), std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Two\nlines."), std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Things.", {fixed_label("le", {"a"})}),
               std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Things.",
                             {fixed_label("kind", {"a"}), fixed_label("kind", {"b"})}),
               std::invalid_argument);
  EXPECT_THROW(
      r.add_counter("bastion_proxy_things_total", "Things.", {fixed_label("kind", {"a", "a"})}),
      std::invalid_argument);
  EXPECT_THROW(
      r.add_counter("bastion_proxy_things_total", "Things.", {fixed_label("kind", {"other"})}),
      std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Things.", {fixed_label("kind", {})}),
               std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Things.", {bounded_label("target", 0)}),
               std::invalid_argument);
  EXPECT_THROW(r.add_counter("bastion_metrics_label_values_folded_total", "Reserved."),
               std::invalid_argument);
  EXPECT_THROW(r.add_histogram("bastion_proxy_wait_seconds", "Wait.", {}), std::invalid_argument);
  EXPECT_THROW(r.add_histogram("bastion_proxy_wait_seconds", "Wait.", {1, 1}),
               std::invalid_argument);
  EXPECT_THROW(r.add_histogram("bastion_proxy_wait_seconds", "Wait.", {2, 1}),
               std::invalid_argument);
  EXPECT_THROW(r.add_histogram("bastion_proxy_wait_seconds", "Wait.", {1, HUGE_VAL}),
               std::invalid_argument);
  // Too many combinations: 4096 + 1 values, times 5, is over the per-family cap.
  EXPECT_THROW(
      r.add_counter("bastion_proxy_things_total", "Things.",
                    {bounded_label("target", 4096), fixed_label("r", {"a", "b", "c", "d"})}),
      std::invalid_argument);
  r.add_counter("bastion_proxy_things_total", "Things.");
  EXPECT_THROW(r.add_counter("bastion_proxy_things_total", "Again."), std::invalid_argument);
  EXPECT_THROW(registry("Bad_prefix", 1), std::invalid_argument);
  EXPECT_THROW(registry("bastion", 0), std::invalid_argument);
}

}  // namespace
}  // namespace bastion::metrics
