// The text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats).
#include <bastion/metrics/exposition.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace bastion::metrics {
namespace {

const char* type_name(metric_kind k) {
  switch (k) {
    case metric_kind::counter:
      return "counter";
    case metric_kind::gauge:
      return "gauge";
    case metric_kind::histogram:
      return "histogram";
  }
  return "untyped";
}

// `name{a="x",b="y"}` or `name`; `le` (a histogram bucket's bound) comes last when given.
void write_series_name(std::string& out, std::string_view name, std::string_view suffix,
                       const std::vector<label_pair>& labels, const std::string* le) {
  out.append(name).append(suffix);
  if (labels.empty() && le == nullptr) return;
  out.push_back('{');
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out.push_back(',');
    first = false;
    out.append(l.name).append("=\"").append(escape_label_value(l.value)).push_back('"');
  }
  if (le != nullptr) {
    if (!first) out.push_back(',');
    out.append("le=\"").append(*le).push_back('"');
  }
  out.push_back('}');
}

void write_sample(std::string& out, std::string_view name, std::string_view suffix,
                  const std::vector<label_pair>& labels, const std::string* le,
                  std::string_view value) {
  write_series_name(out, name, suffix, labels, le);
  out.append(" ").append(value).push_back('\n');
}

void write_histogram(std::string& out, const family_snapshot& f, const series_snapshot& s) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= f.buckets.size(); ++i) {
    // A snapshot with fewer counts than buckets (a collector's mistake) reads as zeros.
    cumulative += i < s.bucket_counts.size() ? s.bucket_counts[i] : 0;
    const std::string le = i < f.buckets.size() ? format_value(f.buckets[i]) : "+Inf";
    write_sample(out, f.name, "_bucket", s.labels, &le, std::to_string(cumulative));
  }
  write_sample(out, f.name, "_sum", s.labels, nullptr, format_value(s.sum));
  write_sample(out, f.name, "_count", s.labels, nullptr, std::to_string(cumulative));
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

std::string render(std::span<const family_snapshot> families) {
  std::string out;
  for (const auto& f : families) {
    out.append("# HELP ").append(f.name).append(" ").append(escape_help(f.help)).push_back('\n');
    out.append("# TYPE ").append(f.name).append(" ").append(type_name(f.kind)).push_back('\n');
    for (const auto& s : f.series) {
      if (f.kind == metric_kind::histogram) {
        write_histogram(out, f, s);
      } else {
        write_sample(out, f.name, "", s.labels, nullptr, format_value(s.value));
      }
    }
  }
  return out;
}

}  // namespace bastion::metrics
