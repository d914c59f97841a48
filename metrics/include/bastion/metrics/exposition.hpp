// The Prometheus text exposition format, version 0.0.4: HELP and TYPE lines, then one line
// per sample. Pure functions over snapshots, so the exact text is testable.
#pragma once

#include <bastion/metrics/snapshot.hpp>

#include <span>
#include <string>
#include <string_view>

namespace bastion::metrics {

/// The Content-Type of the text this file produces.
inline constexpr std::string_view exposition_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

/// Renders `families` in the order given, series in the order given. Histogram buckets are
/// written cumulatively with `le` labels ending at "+Inf", then `_sum` and `_count`.
/// Label values are escaped; names are written as they are (the registry validated them).
std::string render(std::span<const family_snapshot> families);

/// A label value escaped for the exposition: backslash, double quote and newline become
/// \\, \" and \n.
std::string escape_label_value(std::string_view value);

/// HELP text escaped for the exposition: backslash and newline become \\ and \n.
std::string escape_help(std::string_view help);

/// A sample value as the format writes it: "NaN", "+Inf", "-Inf", or the shortest decimal
/// that reads back as the same double.
std::string format_value(double value);

}  // namespace bastion::metrics
