// What a scrape sees: metric families with their series, already summed over shards. The
// registry produces these from its shards, collectors (process, build info) produce them
// directly, and the exposition renders them. Plain values, no I/O, no atomics.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bastion::metrics {

enum class metric_kind { counter, gauge, histogram };

struct label_pair {
  std::string name;
  std::string value;
};

struct series_snapshot {
  std::vector<label_pair> labels;
  double value = 0;  // counter or gauge
  // Histogram only: one count per bucket of family_snapshot::buckets, then one for +Inf.
  // Not cumulative; the exposition accumulates them.
  std::vector<std::uint64_t> bucket_counts;
  double sum = 0;  // histogram only: the sum of all observed values
};

struct family_snapshot {
  std::string name;
  std::string help;
  metric_kind kind = metric_kind::counter;
  std::vector<double> buckets;  // histogram only: finite upper bounds, increasing; +Inf implied
  std::vector<series_snapshot> series;
};

/// Produces families at scrape time (values that are read, not counted: process figures,
/// build info). Called on the scraping thread; it must be safe to call from there.
using collector = std::function<std::vector<family_snapshot>()>;

}  // namespace bastion::metrics
