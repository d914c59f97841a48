// Counters, gauges and histograms with per-shard storage. One shard per worker thread:
// a worker updates only its own shard, with relaxed atomic adds on cells no other worker
// writes (no lock, no shared cache line); a scrape sums the shards. Declaring metrics and
// resolving label values take locks; do them at start-up or once per session, not per byte.
#pragma once

#include <bastion/metrics/labels.hpp>
#include <bastion/metrics/snapshot.hpp>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::metrics {

namespace detail {
struct family_state;

/// Adds to a double stored as its bits. A CAS loop, since there is no atomic add on a
/// double's bits; with one writer per shard it succeeds on the first try.
inline void add_double(std::atomic<std::uint64_t>& cell, double delta) noexcept {
  std::uint64_t old = cell.load(std::memory_order_relaxed);
  while (!cell.compare_exchange_weak(
      old, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old) + delta),
      std::memory_order_relaxed)) {
  }
}
}  // namespace detail

/// Which shard an update goes to. Get it from registry::shard(worker_index).
struct shard_id {
  std::size_t index = 0;
};

/// One combination of label values of a family, from counter/gauge/histogram::series().
/// The default (0) is the only series of a family without labels.
struct series_id {
  std::size_t index = 0;
};

/// A counter's cell in one shard, for hot paths (bytes relayed): bind it once per session
/// with counter::cell() and add with no lookup. Valid while the registry lives. A
/// default-constructed cell ignores updates.
class counter_cell {
 public:
  counter_cell() = default;
  explicit counter_cell(std::atomic<std::uint64_t>* c) : c_(c) {}
  /// Adds `n`. Only the shard's own thread may call this.
  void inc(std::uint64_t n = 1) const noexcept {
    if (c_) c_->fetch_add(n, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t>* c_ = nullptr;
};

/// A gauge's cell in one shard. The exposed value is the sum over shards, so a worker adds
/// and subtracts its own share (sessions it holds); set() suits a gauge one shard owns.
class gauge_cell {
 public:
  gauge_cell() = default;
  explicit gauge_cell(std::atomic<std::uint64_t>* c) : c_(c) {}
  void add(double delta) const noexcept {
    if (c_) detail::add_double(*c_, delta);
  }
  void set(double value) const noexcept {
    if (c_) c_->store(std::bit_cast<std::uint64_t>(value), std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t>* c_ = nullptr;
};

/// Common part of the three handle types: a pointer to the family the registry owns.
/// Handles are cheap to copy and valid while the registry lives. A default-constructed
/// handle ignores updates, so a component can run with metrics off.
class family_handle {
 public:
  family_handle() = default;
  explicit family_handle(detail::family_state* f) : f_(f) {}

  /// The series for `label_values`, one per declared label, in declaration order. Values
  /// outside a dimension's set fold into "other" (see labels.hpp). Takes a lock for bounded
  /// dimensions: resolve once (per session, per policy load) and keep the id.
  /// Throws std::invalid_argument when the number of values differs from the labels'.
  series_id series(std::initializer_list<std::string_view> label_values) const;

  /// The family's declared name ("" for a default-constructed handle).
  std::string_view name() const noexcept;

 protected:
  /// The first cell of `s` in shard `shard`, or null when either is out of range.
  std::atomic<std::uint64_t>* cells(shard_id shard, series_id s) const noexcept;
  detail::family_state* f_ = nullptr;
};

class counter : public family_handle {
 public:
  using family_handle::family_handle;
  /// Adds `n` to series `s` in `shard`. Only the shard's own thread may call this.
  void inc(shard_id shard, series_id s = {}, std::uint64_t n = 1) const noexcept {
    counter_cell(cells(shard, s)).inc(n);
  }
  /// The cell of series `s` in `shard` (see counter_cell). Throws std::out_of_range.
  counter_cell cell(shard_id shard, series_id s = {}) const;
};

class gauge : public family_handle {
 public:
  using family_handle::family_handle;
  /// Adds `delta` (may be negative) to this shard's share of series `s`.
  void add(shard_id shard, series_id s, double delta) const noexcept {
    gauge_cell(cells(shard, s)).add(delta);
  }
  void add(shard_id shard, double delta) const noexcept { add(shard, series_id{}, delta); }
  /// Sets this shard's share of series `s`.
  void set(shard_id shard, series_id s, double value) const noexcept {
    gauge_cell(cells(shard, s)).set(value);
  }
  void set(shard_id shard, double value) const noexcept { set(shard, series_id{}, value); }
  /// The cell of series `s` in `shard` (see gauge_cell). Throws std::out_of_range.
  gauge_cell cell(shard_id shard, series_id s = {}) const;
};

class histogram : public family_handle {
 public:
  using family_handle::family_handle;
  /// Counts `value` in the first bucket whose upper bound is >= value (+Inf above the last)
  /// and adds it to the sum; NaN is ignored. Only the shard's own thread may call this.
  void observe(shard_id shard, series_id s, double value) const noexcept;
  void observe(shard_id shard, double value) const noexcept { observe(shard, series_id{}, value); }
};

/// Owns every declared metric and the shards' storage. Declare all metrics of a component
/// in one place (a struct of handles initialised from one list), then hand shard_ids to the
/// workers. Thread safety: declaring, resolving series and scraping may happen on any
/// thread; updates of a shard only on that shard's thread.
class registry {
 public:
  /// `prefix` starts every declared name ("bastion"); `shard_count` is the number of
  /// writer threads (workers, plus one for a control thread if it counts too).
  /// Throws std::invalid_argument for a bad prefix or zero shards.
  registry(std::string prefix, std::size_t shard_count);
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// Declares a counter. `name` follows `<prefix>_<component>_<what>_total`; `help` is one
  /// line for operators. Throws std::invalid_argument for a bad or duplicate name or label.
  counter add_counter(std::string name, std::string help, std::vector<label_spec> labels = {});

  /// Declares a gauge: `<prefix>_<component>_<what>[_<unit>]`, not ending in _total.
  gauge add_gauge(std::string name, std::string help, std::vector<label_spec> labels = {});

  /// Declares a histogram with fixed `buckets`: finite upper bounds, strictly increasing
  /// (+Inf is added). Name as a gauge's, with a base unit (`_seconds`, `_bytes`).
  histogram add_histogram(std::string name, std::string help, std::vector<double> buckets,
                          std::vector<label_spec> labels = {});

  /// Adds families produced at scrape time. Their names are not held to the prefix rule
  /// (process_* and *_build_info are standard names) but must be valid Prometheus names
  /// and unique; an invalid or duplicate family is left out of the scrape.
  void add_collector(collector c);

  /// The shard of worker `worker_index`. Throws std::out_of_range.
  shard_id shard(std::size_t worker_index) const;
  std::size_t shard_count() const noexcept { return shard_count_; }
  const std::string& prefix() const noexcept { return prefix_; }

  /// Every family, shards summed, collectors included: sorted by name, series by label
  /// values, so the same state always gives the same text.
  std::vector<family_snapshot> snapshot() const;

  /// snapshot() in the text exposition format.
  std::string scrape() const;

 private:
  detail::family_state* declare(std::string name, std::string help, metric_kind kind,
                                std::vector<double> buckets, std::vector<label_spec> labels);

  std::string prefix_;
  std::size_t shard_count_;
  mutable std::mutex mutex_;  // guards families_ and collectors_ (not the cells)
  std::vector<std::unique_ptr<detail::family_state>> families_;
  std::vector<collector> collectors_;
};

}  // namespace bastion::metrics
