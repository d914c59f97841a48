// The registry's private representation of one metric family: label dimensions and one
// block of cells per shard. Layout is fixed at declaration, so cells never move.
#pragma once

#include <bastion/metrics/snapshot.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::metrics::detail {

/// One shard's cells of a family, padded by a cache line on each side so that cells of
/// two shards (written by two threads) never share a line.
class cell_block {
 public:
  explicit cell_block(std::size_t n)
      : cells_(std::make_unique<std::atomic<std::uint64_t>[]>(n + 2 * pad)), size_(n) {}
  std::atomic<std::uint64_t>* data() const noexcept { return cells_.get() + pad; }
  std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::size_t pad = 64 / sizeof(std::atomic<std::uint64_t>);
  std::unique_ptr<std::atomic<std::uint64_t>[]> cells_;
  std::size_t size_;
};

/// A label dimension. Index `cap` is "other"; indexes below are the dimension's own values.
struct dimension {
  std::string name;
  bool bounded = false;
  std::size_t cap = 0;  // fixed: the declared values' count; bounded: max_values
  // Fixed: immutable after declaration. Bounded: grows up to cap under `mutex`.
  mutable std::shared_mutex mutex;
  std::vector<std::string> values;
  std::map<std::string, std::size_t, std::less<>> index;
  std::atomic<std::uint64_t> folded{0};  // lookups that fell into "other"

  std::size_t radix() const noexcept { return cap + 1; }
  /// The index of `value`, adding it when bounded and under the cap; else "other".
  std::size_t resolve(std::string_view value);
  /// The values visible in a scrape: own values so far, then "other" once anything folded.
  std::vector<std::pair<std::size_t, std::string>> visible() const;
};

struct family_state {
  std::string name;
  std::string help;
  metric_kind kind = metric_kind::counter;
  std::vector<double> buckets;
  std::vector<std::unique_ptr<dimension>> dims;
  std::size_t series_count = 1;  // product of the dimensions' radices
  std::size_t width = 1;         // cells per series: 1, or buckets + 1 counts and a sum
  std::vector<cell_block> shards;

  /// This family's series, summed over shards.
  family_snapshot snapshot() const;
};

}  // namespace bastion::metrics::detail
