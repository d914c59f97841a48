// Declaration (validated once), handles, and the scrape: shards summed, collectors merged.
#include <bastion/metrics/exposition.hpp>
#include <bastion/metrics/names.hpp>
#include <bastion/metrics/registry.hpp>

#include "family.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <tuple>

namespace bastion::metrics {
namespace {

// Caps on one declaration: they bound each shard's memory and each scrape's size.
constexpr std::size_t max_labels_per_family = 4;
constexpr std::size_t max_series_per_family = std::size_t{16} * 1024;
constexpr std::size_t max_bounded_values = 4096;
constexpr std::size_t max_buckets = 64;

constexpr std::string_view folded_suffix = "_metrics_label_values_folded_total";

[[noreturn]] void fail(const std::string& name, const std::string& why) {
  throw std::invalid_argument("metric \"" + name + "\": " + why);
}

void check_buckets(const std::string& name, const std::vector<double>& buckets) {
  if (buckets.empty() || buckets.size() > max_buckets) fail(name, "needs 1 to 64 buckets");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i])) fail(name, "bucket bounds must be finite (+Inf is implied)");
    if (i > 0 && !(buckets[i - 1] < buckets[i])) fail(name, "buckets must strictly increase");
  }
}

std::unique_ptr<detail::dimension> make_dimension(const std::string& metric, label_spec spec) {
  check_declared_label_name(spec.name);
  auto d = std::make_unique<detail::dimension>();
  d->name = std::move(spec.name);
  d->bounded = spec.bounded;
  if (spec.bounded) {
    if (spec.max_values == 0 || spec.max_values > max_bounded_values) {
      fail(metric, "label " + d->name + ": max_values must be 1 to 4096");
    }
    if (!spec.values.empty())
      fail(metric, "label " + d->name + ": bounded labels declare no values");
    d->cap = spec.max_values;
    d->values.reserve(d->cap);
    return d;
  }
  if (spec.values.empty()) fail(metric, "label " + d->name + ": a fixed label needs values");
  for (auto& v : spec.values) {
    if (v.empty() || v == other_label_value) {
      fail(metric, "label " + d->name + ": values must be non-empty and not \"other\"");
    }
    if (!d->index.emplace(v, d->values.size()).second) {
      fail(metric, "label " + d->name + ": duplicate value \"" + v + "\"");
    }
    d->values.push_back(std::move(v));
  }
  d->cap = d->values.size();
  return d;
}

bool valid_collected(const family_snapshot& f) {
  if (!is_valid_metric_name(f.name)) return false;
  for (const auto& s : f.series) {
    for (const auto& l : s.labels) {
      if (!is_valid_label_name(l.name) || l.name == "le") return false;
    }
  }
  return true;
}

}  // namespace

label_spec fixed_label(std::string name, std::vector<std::string> values) {
  return label_spec{std::move(name), std::move(values), 0, false};
}

label_spec bounded_label(std::string name, std::size_t max_values) {
  return label_spec{std::move(name), {}, max_values, true};
}

registry::registry(std::string prefix, std::size_t shard_count)
    : prefix_(std::move(prefix)), shard_count_(shard_count) {
  const bool ok =
      !prefix_.empty() && prefix_.find('_') == std::string::npos &&
      std::all_of(prefix_.begin(), prefix_.end(),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }) &&
      prefix_.front() >= 'a';
  if (!ok) throw std::invalid_argument("metrics prefix \"" + prefix_ + "\" must be [a-z][a-z0-9]*");
  if (shard_count_ == 0) throw std::invalid_argument("metrics registry needs at least one shard");
}

registry::~registry() = default;

detail::family_state* registry::declare(std::string name, std::string help, metric_kind kind,
                                        std::vector<double> buckets,
                                        std::vector<label_spec> labels) {
  check_declared_metric_name(prefix_, name, kind);
  if (name == prefix_ + std::string(folded_suffix)) fail(name, "is reserved for the registry");
  if (help.empty() || help.find('\n') != std::string::npos) fail(name, "help must be one line");
  if (kind == metric_kind::histogram) check_buckets(name, buckets);
  if (labels.size() > max_labels_per_family) fail(name, "at most 4 labels");

  auto f = std::make_unique<detail::family_state>();
  f->kind = kind;
  f->buckets = std::move(buckets);
  f->width = kind == metric_kind::histogram ? f->buckets.size() + 2 : 1;
  std::set<std::string, std::less<>> label_names;
  for (auto& spec : labels) {
    if (!label_names.insert(spec.name).second) fail(name, "duplicate label " + spec.name);
    f->dims.push_back(make_dimension(name, std::move(spec)));
    const auto radix = f->dims.back()->radix();
    // Written as a division so that the check itself cannot overflow.
    if (radix > max_series_per_family / f->series_count) fail(name, "too many label combinations");
    f->series_count *= radix;
  }
  f->name = std::move(name);
  f->help = std::move(help);
  for (std::size_t i = 0; i < shard_count_; ++i) f->shards.emplace_back(f->series_count * f->width);

  std::lock_guard lock(mutex_);
  for (const auto& other : families_) {
    if (other->name == f->name) fail(f->name, "declared twice");
  }
  families_.push_back(std::move(f));
  return families_.back().get();
}

counter registry::add_counter(std::string name, std::string help, std::vector<label_spec> labels) {
  return counter(
      declare(std::move(name), std::move(help), metric_kind::counter, {}, std::move(labels)));
}

gauge registry::add_gauge(std::string name, std::string help, std::vector<label_spec> labels) {
  return gauge(
      declare(std::move(name), std::move(help), metric_kind::gauge, {}, std::move(labels)));
}

histogram registry::add_histogram(std::string name, std::string help, std::vector<double> buckets,
                                  std::vector<label_spec> labels) {
  return histogram(declare(std::move(name), std::move(help), metric_kind::histogram,
                           std::move(buckets), std::move(labels)));
}

void registry::add_collector(collector c) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(c));
}

shard_id registry::shard(std::size_t worker_index) const {
  if (worker_index >= shard_count_) throw std::out_of_range("metrics shard index out of range");
  return shard_id{worker_index};
}

std::vector<family_snapshot> registry::snapshot() const {
  std::vector<family_snapshot> out;
  std::vector<collector> collectors;
  family_snapshot folded{prefix_ + std::string(folded_suffix),
                         "Label values counted under \"other\" because they were outside the "
                         "declared set or over the cap.",
                         metric_kind::counter,
                         {},
                         {}};
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : families_) {
      out.push_back(f->snapshot());
      for (const auto& d : f->dims) {
        folded.series.push_back({{{"metric", f->name}, {"label", d->name}},
                                 static_cast<double>(d->folded.load(std::memory_order_relaxed)),
                                 {},
                                 0});
      }
    }
    collectors = collectors_;
  }
  if (!folded.series.empty()) {
    std::sort(folded.series.begin(), folded.series.end(), [](const auto& a, const auto& b) {
      return std::tie(a.labels[0].value, a.labels[1].value) <
             std::tie(b.labels[0].value, b.labels[1].value);
    });
    out.push_back(std::move(folded));
  }
  // Collectors read files; run them outside the lock so declarations never wait on /proc.
  std::set<std::string, std::less<>> names;
  for (const auto& f : out) names.insert(f.name);
  for (const auto& c : collectors) {
    for (auto& f : c()) {
      if (valid_collected(f) && names.insert(f.name).second) out.push_back(std::move(f));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string registry::scrape() const {
  const auto families = snapshot();
  return render(families);
}

series_id family_handle::series(std::initializer_list<std::string_view> label_values) const {
  if (f_ == nullptr) return {};
  if (label_values.size() != f_->dims.size()) {
    throw std::invalid_argument("metric \"" + f_->name + "\": wrong number of label values");
  }
  std::size_t index = 0;
  std::size_t d = 0;
  for (const auto v : label_values) {
    index = index * f_->dims[d]->radix() + f_->dims[d]->resolve(v);
    ++d;
  }
  return series_id{index};
}

std::string_view family_handle::name() const noexcept {
  return f_ ? f_->name : std::string_view{};
}

std::atomic<std::uint64_t>* family_handle::cells(shard_id shard, series_id s) const noexcept {
  if (f_ == nullptr || shard.index >= f_->shards.size() || s.index >= f_->series_count) {
    return nullptr;
  }
  return f_->shards[shard.index].data() + s.index * f_->width;
}

counter_cell counter::cell(shard_id shard, series_id s) const {
  if (f_ == nullptr) return {};
  auto* c = cells(shard, s);
  if (c == nullptr)
    throw std::out_of_range("metric \"" + f_->name + "\": shard or series out of range");
  return counter_cell(c);
}

gauge_cell gauge::cell(shard_id shard, series_id s) const {
  if (f_ == nullptr) return {};
  auto* c = cells(shard, s);
  if (c == nullptr)
    throw std::out_of_range("metric \"" + f_->name + "\": shard or series out of range");
  return gauge_cell(c);
}

void histogram::observe(shard_id shard, series_id s, double value) const noexcept {
  auto* c = cells(shard, s);
  // NaN has no bucket, and added to the sum it would poison it for good.
  if (c == nullptr || std::isnan(value)) return;
  const auto& b = f_->buckets;
  const auto bucket =
      static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), value) - b.begin());
  c[bucket].fetch_add(1, std::memory_order_relaxed);
  detail::add_double(c[b.size() + 1], value);
}

}  // namespace bastion::metrics
