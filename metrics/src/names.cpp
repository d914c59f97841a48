// Name validation: Prometheus' syntax and the house naming rule (STYLE.md, habit 14).
#include <bastion/metrics/names.hpp>

#include <array>
#include <stdexcept>
#include <string>

namespace bastion::metrics {
namespace {

bool is_lower_snake(std::string_view s) {
  if (s.empty() || !(s.front() >= 'a' && s.front() <= 'z') || s.back() == '_') return false;
  char prev = 0;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && prev == '_')) return false;
    prev = c;
  }
  return true;
}

bool ends_with_segment(std::string_view name, std::string_view segment) {
  return name.size() > segment.size() && name.ends_with(segment) &&
         name[name.size() - segment.size() - 1] == '_';
}

std::size_t segment_count(std::string_view s) {
  std::size_t n = 1;
  for (const char c : s) n += c == '_' ? 1 : 0;
  return n;
}

[[noreturn]] void reject(std::string_view name, std::string_view why) {
  throw std::invalid_argument("metric name \"" + std::string(name) + "\": " + std::string(why));
}

// Prometheus wants base units; a scaled unit in a name is almost always a mistake that
// dashboards then multiply around.
constexpr std::array<std::string_view, 14> scaled_units = {
    "milliseconds", "microseconds", "nanoseconds", "ms",        "us", "ns", "minutes",
    "hours",        "kilobytes",    "megabytes",   "gigabytes", "kb", "mb", "percent"};

// Suffixes the exposition itself appends to histogram series; a family named so would
// collide with one.
constexpr std::array<std::string_view, 3> reserved_suffixes = {"bucket", "sum", "count"};

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void check_declared_metric_name(std::string_view prefix, std::string_view name, metric_kind kind) {
  if (!is_lower_snake(name)) reject(name, "must be lower-case snake case ([a-z][a-z0-9_]*)");
  if (!name.starts_with(prefix) || name.size() <= prefix.size() || name[prefix.size()] != '_') {
    reject(name, "must start with \"" + std::string(prefix) + "_\"");
  }
  const auto rest = name.substr(prefix.size() + 1);
  const bool is_counter = kind == metric_kind::counter;
  // <component>_<what>, plus _total for a counter.
  if (segment_count(rest) < (is_counter ? 3u : 2u)) {
    reject(name, "must be <prefix>_<component>_<what>_<unit>");
  }
  if (is_counter != ends_with_segment(name, "total")) {
    reject(name, is_counter ? "a counter must end in _total" : "only counters end in _total");
  }
  for (const auto s : reserved_suffixes) {
    if (ends_with_segment(name, s)) reject(name, "must not end in _" + std::string(s));
  }
  for (const auto u : scaled_units) {
    if (ends_with_segment(name, u) || name.find("_" + std::string(u) + "_") != std::string::npos) {
      reject(name, "must use base units (seconds, bytes, ratio), not " + std::string(u));
    }
  }
}

void check_declared_label_name(std::string_view name) {
  if (!is_lower_snake(name)) {
    throw std::invalid_argument("label name \"" + std::string(name) +
                                "\" must be lower-case snake case ([a-z][a-z0-9_]*)");
  }
  if (name == "le" || name == "quantile") {
    throw std::invalid_argument("label name \"" + std::string(name) + "\" is reserved");
  }
}

}  // namespace bastion::metrics
