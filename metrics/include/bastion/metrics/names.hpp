// Name rules. Prometheus' syntax, plus the house rule for declared metrics:
// `<prefix>_<component>_<what>_<unit>`, lower-case snake case, counters end in `_total`,
// base units only (seconds, bytes). Checked once at declaration, so a bad name fails at
// start-up instead of producing an exposition a scraper rejects.
#pragma once

#include <bastion/metrics/snapshot.hpp>

#include <string_view>

namespace bastion::metrics {

/// Whether `name` is a syntactically valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool is_valid_metric_name(std::string_view name);

/// Whether `name` is a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) that is not
/// reserved (starting with "__").
bool is_valid_label_name(std::string_view name);

/// Checks a declared metric's name against the house rule for `prefix` and `kind`.
/// Throws std::invalid_argument naming the rule broken (a programming error, caught at
/// start-up).
void check_declared_metric_name(std::string_view prefix, std::string_view name, metric_kind kind);

/// Checks a declared label name: valid, lower-case snake case, not "le" (histograms use
/// it). Throws std::invalid_argument.
void check_declared_label_name(std::string_view name);

}  // namespace bastion::metrics
