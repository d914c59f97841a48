// The metrics data path's cost, for issue #8's budget (relay throughput within 2% with
// metrics on): a bound cell's add, an add through a handle, a histogram observation, a
// bounded label lookup, and a scrape of a registry the size the bastion will have.
#include <bastion/metrics/registry.hpp>

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

namespace m = bastion::metrics;

constexpr std::size_t shards = 8;  // one per thread of the multi-threaded runs

m::registry& shared_registry() {
  static m::registry r("bench", shards);
  return r;
}

void CellInc(benchmark::State& state) {
  static const auto c = shared_registry().add_counter("bench_relay_cell_bytes_total", "B.");
  const auto cell = c.cell(m::shard_id{static_cast<std::size_t>(state.thread_index())});
  for (auto _ : state) cell.inc(32 * 1024);
}
BENCHMARK(CellInc)->Threads(1)->Threads(2);

void HandleInc(benchmark::State& state) {
  static const auto c =
      shared_registry().add_counter("bench_relay_handle_bytes_total", "B.",
                                    {m::fixed_label("direction", {"upstream", "downstream"})});
  static const auto series = c.series({"downstream"});
  const m::shard_id shard{static_cast<std::size_t>(state.thread_index())};
  for (auto _ : state) c.inc(shard, series, 32 * 1024);
}
BENCHMARK(HandleInc)->Threads(1)->Threads(2);

void HistogramObserve(benchmark::State& state) {
  static const auto h = shared_registry().add_histogram(
      "bench_relay_wait_seconds", "W.", {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10});
  const m::shard_id shard{static_cast<std::size_t>(state.thread_index())};
  double v = 0;
  for (auto _ : state) {
    h.observe(shard, v);
    v = v > 10 ? 0 : v + 0.37;
  }
}
BENCHMARK(HistogramObserve)->Threads(1)->Threads(2);

void BoundedLookup(benchmark::State& state) {
  static const auto c = shared_registry().add_counter("bench_upstream_connects_total", "C.",
                                                      {m::bounded_label("target", 256)});
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back("target-" + std::to_string(i));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.series({names[i]}));
    i = (i + 1) % names.size();
  }
}
BENCHMARK(BoundedLookup)->Threads(1)->Threads(2);

// About the size of the bastion's list in issue #8: 25 families, a few labelled by target.
void Scrape(benchmark::State& state) {
  m::registry r("bastion", shards);
  std::vector<m::counter> counters;
  for (int i = 0; i < 20; ++i) {
    counters.push_back(r.add_counter("bastion_c" + std::to_string(i) + "_events_total", "E.",
                                     {m::fixed_label("result", {"ok", "error", "denied"})}));
  }
  for (int i = 0; i < 5; ++i) {
    const auto h = r.add_histogram("bastion_h" + std::to_string(i) + "_duration_seconds", "D.",
                                   {0.01, 0.1, 1, 10}, {m::bounded_label("target", 64)});
    for (int t = 0; t < 50; ++t) h.observe(r.shard(0), h.series({"t" + std::to_string(t)}), 0.2);
  }
  for (auto _ : state) benchmark::DoNotOptimize(r.scrape());
}
BENCHMARK(Scrape)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
