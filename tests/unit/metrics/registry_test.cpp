// Shards, label bounds and histogram bucket math of the registry.
#include <bastion/metrics/registry.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

namespace bastion::metrics {
namespace {

const family_snapshot& family(const std::vector<family_snapshot>& all, std::string_view name) {
  for (const auto& f : all) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no family " + std::string(name));
}

std::vector<std::string> values_of(const family_snapshot& f, std::size_t label) {
  std::vector<std::string> out;
  for (const auto& s : f.series) out.push_back(s.labels.at(label).value);
  return out;
}

TEST(Registry, HistogramBucketsUseLessOrEqual) {
  registry r("t", 1);
  const auto h = r.add_histogram("t_x_wait_seconds", "W.", {0.1, 1, 10});
  for (const double v : {-5.0, 0.1, 0.10000001, 1.0, 9.5, 10.0, 11.0, HUGE_VAL}) {
    h.observe(r.shard(0), v);
  }
  h.observe(r.shard(0), std::numeric_limits<double>::quiet_NaN());  // ignored
  const auto s = family(r.snapshot(), "t_x_wait_seconds").series.at(0);
  // -5 and 0.1 in le=0.1; 0.10000001 and 1 in le=1; 9.5 and 10 in le=10; 11 and inf above.
  EXPECT_EQ(s.bucket_counts, (std::vector<std::uint64_t>{2, 2, 2, 2}));
  EXPECT_EQ(s.sum, HUGE_VAL);
  const auto text = r.scrape();
  EXPECT_NE(text.find("t_x_wait_seconds_bucket{le=\"1\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_x_wait_seconds_bucket{le=\"+Inf\"} 8\n"), std::string::npos) << text;
  EXPECT_NE(text.find("t_x_wait_seconds_count 8\n"), std::string::npos) << text;
}

TEST(Registry, ShardsAreSummedExactly) {
  constexpr std::size_t threads = 4;
  constexpr std::uint64_t per_thread = 100'000;
  registry r("t", threads);
  const auto c = r.add_counter("t_x_events_total", "E.", {fixed_label("kind", {"a", "b"})});
  const auto g = r.add_gauge("t_x_open", "O.");
  const auto h = r.add_histogram("t_x_size_bytes", "S.", {10});
  const auto b = c.series({"b"});
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const auto shard = r.shard(t);
      const auto cell = c.cell(shard, b);
      for (std::uint64_t i = 0; i < per_thread; ++i) {
        c.inc(shard);  // series a
        cell.inc(2);
        g.add(shard, 1);
        h.observe(shard, static_cast<double>(i % 20));
      }
      g.add(shard, -static_cast<double>(per_thread) + 1);
    });
  }
  // Scrapes while the workers write must be safe (values are then partial).
  for (int i = 0; i < 20; ++i) (void)r.scrape();
  for (auto& w : workers) w.join();

  const auto snap = r.snapshot();
  const auto& events = family(snap, "t_x_events_total");
  EXPECT_EQ(events.series.at(0).value, static_cast<double>(threads * per_thread));
  EXPECT_EQ(events.series.at(1).value, static_cast<double>(2 * threads * per_thread));
  EXPECT_EQ(family(snap, "t_x_open").series.at(0).value, static_cast<double>(threads));
  const auto& size = family(snap, "t_x_size_bytes").series.at(0);
  EXPECT_EQ(size.bucket_counts, (std::vector<std::uint64_t>{threads * per_thread * 11 / 20,
                                                            threads * per_thread * 9 / 20}));
  // Sum of 0..19 is 190, per 20 observations.
  EXPECT_EQ(size.sum, static_cast<double>(threads * per_thread / 20 * 190));
}

TEST(Registry, BoundedLabelFoldsIntoOtherPastTheCap) {
  registry r("t", 1);
  const auto c = r.add_counter("t_x_connects_total", "C.", {bounded_label("target", 2)});
  const auto shard = r.shard(0);
  c.inc(shard, c.series({"web"}));
  c.inc(shard, c.series({"db"}));
  c.inc(shard, c.series({"cache"}), 5);  // over the cap
  c.inc(shard, c.series({"mail"}), 7);   // over the cap
  c.inc(shard, c.series({"web"}));       // known values keep their series
  EXPECT_EQ(c.series({"web"}).index, c.series({"web"}).index);
  EXPECT_EQ(c.series({"cache"}).index, c.series({"mail"}).index);

  const auto snap = r.snapshot();
  const auto& f = family(snap, "t_x_connects_total");
  EXPECT_EQ(values_of(f, 0), (std::vector<std::string>{"db", "other", "web"}));
  EXPECT_EQ(f.series.at(1).value, 12);
  EXPECT_EQ(f.series.at(2).value, 2);
  // Four lookups folded: cache, mail, and the two in the EXPECT above.
  const auto& folded = family(snap, "t_metrics_label_values_folded_total");
  ASSERT_EQ(folded.series.size(), 1u);
  EXPECT_EQ(folded.series.at(0).value, 4);
}

TEST(Registry, UnacceptableBoundedValuesFoldWithoutTakingASlot) {
  registry r("t", 1);
  const auto c = r.add_counter("t_x_connects_total", "C.", {bounded_label("target", 4)});
  const auto other = c.series({"other"});
  EXPECT_EQ(c.series({""}).index, other.index);
  EXPECT_EQ(c.series({"line\nbreak"}).index, other.index);
  EXPECT_EQ(c.series({std::string(200, 'x')}).index, other.index);
  EXPECT_NE(c.series({"web"}).index, other.index);
  EXPECT_EQ(values_of(family(r.snapshot(), "t_x_connects_total"), 0),
            (std::vector<std::string>{"other", "web"}));
}

TEST(Registry, FixedLabelFoldsUnknownValuesIntoOther) {
  registry r("t", 1);
  const auto c =
      r.add_counter("t_x_auth_total", "A.", {fixed_label("method", {"password", "publickey"})});
  // Before any fold only the declared values are exposed, zeros included.
  EXPECT_EQ(values_of(family(r.snapshot(), "t_x_auth_total"), 0),
            (std::vector<std::string>{"password", "publickey"}));
  c.inc(r.shard(0), c.series({"gssapi-with-mic"}));  // a peer's choice, not in the list
  const auto snap = r.snapshot();
  const auto& f = family(snap, "t_x_auth_total");
  EXPECT_EQ(values_of(f, 0), (std::vector<std::string>{"other", "password", "publickey"}));
  EXPECT_EQ(f.series.at(0).value, 1);
}

TEST(Registry, SeriesNeedsOneValuePerLabel) {
  registry r("t", 1);
  const auto c = r.add_counter("t_x_auth_total", "A.", {fixed_label("method", {"password"})});
  EXPECT_THROW((void)c.series({}), std::invalid_argument);
  EXPECT_THROW((void)c.series({"password", "extra"}), std::invalid_argument);
}

TEST(Registry, OutOfRangeShardsAndDefaultHandles) {
  registry r("t", 2);
  EXPECT_THROW((void)r.shard(2), std::out_of_range);
  const auto c = r.add_counter("t_x_events_total", "E.");
  EXPECT_THROW((void)c.cell(shard_id{7}), std::out_of_range);
  c.inc(shard_id{7});  // ignored, never a write out of bounds
  const counter off;   // metrics off: every update is a no-op
  off.inc(r.shard(0));
  off.cell(r.shard(0)).inc();
  EXPECT_EQ(off.series({"anything"}).index, 0u);
  EXPECT_EQ(family(r.snapshot(), "t_x_events_total").series.at(0).value, 0);
}

TEST(Registry, GaugeSetIsPerShard) {
  registry r("t", 2);
  const auto g = r.add_gauge("t_x_lag_seconds", "L.");
  g.set(r.shard(0), 0.25);
  g.set(r.shard(1), 0.5);
  g.set(r.shard(1), 0.75);
  EXPECT_EQ(family(r.snapshot(), "t_x_lag_seconds").series.at(0).value, 1.0);
}

TEST(Registry, CollectorsAreValidatedAndDeduplicated) {
  registry r("t", 1);
  r.add_counter("t_x_events_total", "E.");
  r.add_collector([] {
    return std::vector<family_snapshot>{
        {"bad name", "Bad.", metric_kind::gauge, {}, {{{}, 1, {}, 0}}},
        {"t_x_events_total", "Duplicate.", metric_kind::gauge, {}, {{{}, 1, {}, 0}}},
        {"ok_value", "Fine.", metric_kind::gauge, {}, {{{{"__bad", "x"}}, 1, {}, 0}}},
        {"a_first", "Sorted first.", metric_kind::gauge, {}, {{{}, 3, {}, 0}}}};
  });
  const auto snap = r.snapshot();
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].name, "a_first");
  EXPECT_EQ(snap[1].name, "t_x_events_total");
  EXPECT_EQ(snap[1].help, "E.");
}

}  // namespace
}  // namespace bastion::metrics
