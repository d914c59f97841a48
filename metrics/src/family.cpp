// Label resolution and per-family summing over shards.
#include "family.hpp"

#include <bastion/metrics/labels.hpp>

#include <algorithm>
#include <bit>
#include <mutex>

namespace bastion::metrics::detail {
namespace {

// Label values from the policy are operator-chosen, but a value that would garble a
// dashboard (control bytes) or bloat every scrape (very long) is folded, not exposed.
constexpr std::size_t max_label_value_bytes = 128;

bool acceptable_value(std::string_view v) {
  if (v.empty() || v.size() > max_label_value_bytes || v == other_label_value) return false;
  return std::none_of(v.begin(), v.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

double load_double(const std::atomic<std::uint64_t>& c) {
  return std::bit_cast<double>(c.load(std::memory_order_relaxed));
}

}  // namespace

std::size_t dimension::resolve(std::string_view value) {
  if (!bounded) {
    if (const auto it = index.find(value); it != index.end()) return it->second;
    folded.fetch_add(1, std::memory_order_relaxed);
    return cap;
  }
  {
    std::shared_lock lock(mutex);
    if (const auto it = index.find(value); it != index.end()) return it->second;
  }
  if (acceptable_value(value)) {
    std::unique_lock lock(mutex);
    // Another thread may have added it between the two locks.
    if (const auto it = index.find(value); it != index.end()) return it->second;
    if (values.size() < cap) {
      values.emplace_back(value);
      index.emplace(values.back(), values.size() - 1);
      return values.size() - 1;
    }
  }
  folded.fetch_add(1, std::memory_order_relaxed);
  return cap;
}

std::vector<std::pair<std::size_t, std::string>> dimension::visible() const {
  std::vector<std::pair<std::size_t, std::string>> out;
  {
    std::shared_lock lock(mutex);
    for (std::size_t i = 0; i < values.size(); ++i) out.emplace_back(i, values[i]);
  }
  if (folded.load(std::memory_order_relaxed) > 0) out.emplace_back(cap, other_label_value);
  return out;
}

family_snapshot family_state::snapshot() const {
  family_snapshot f{name, help, kind, buckets, {}};
  std::vector<std::vector<std::pair<std::size_t, std::string>>> visible;
  for (const auto& d : dims) visible.push_back(d->visible());
  // Walk the cartesian product of the visible values with one odometer of positions.
  std::vector<std::size_t> pos(dims.size(), 0);
  const bool empty = std::any_of(visible.begin(), visible.end(), [](auto& v) { return v.empty(); });
  while (!empty) {
    series_snapshot s;
    std::size_t series = 0;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const auto& [idx, value] = visible[d][pos[d]];
      series = series * dims[d]->radix() + idx;
      s.labels.push_back({dims[d]->name, value});
    }
    const std::size_t base = series * width;
    if (kind == metric_kind::histogram) s.bucket_counts.assign(buckets.size() + 1, 0);
    for (const auto& shard : shards) {
      const auto* c = shard.data() + base;
      if (kind == metric_kind::counter) {
        s.value += static_cast<double>(c[0].load(std::memory_order_relaxed));
      } else if (kind == metric_kind::gauge) {
        s.value += load_double(c[0]);
      } else {
        for (std::size_t b = 0; b <= buckets.size(); ++b) {
          s.bucket_counts[b] += c[b].load(std::memory_order_relaxed);
        }
        s.sum += load_double(c[buckets.size() + 1]);
      }
    }
    f.series.push_back(std::move(s));
    std::size_t d = dims.size();
    while (d > 0 && ++pos[d - 1] == visible[d - 1].size()) pos[--d] = 0;
    if (d == 0) break;
  }
  std::sort(f.series.begin(), f.series.end(), [](const auto& a, const auto& b) {
    return std::lexicographical_compare(
        a.labels.begin(), a.labels.end(), b.labels.begin(), b.labels.end(),
        [](const label_pair& x, const label_pair& y) { return x.value < y.value; });
  });
  return f;
}

}  // namespace bastion::metrics::detail
