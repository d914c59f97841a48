// /proc parsers (proc(5)). Every number is parsed with from_chars, which refuses signs,
// overflow and junk, so malformed content yields nullopt rather than a wrong value.
#include <bastion/metrics/proc_parse.hpp>

#include <array>
#include <charconv>

namespace bastion::metrics {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

// Splits off the next whitespace-separated token of `s`.
std::string_view next_token(std::string_view& s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  std::size_t j = i;
  while (j < s.size() && !is_space(s[j])) ++j;
  const auto token = s.substr(i, j - i);
  s.remove_prefix(j);
  return token;
}

}  // namespace

std::optional<proc_stat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos || text.find('(') > close) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  // Fields 3 (state) to 24 (rss); token k after the ')' is field k + 3.
  std::array<std::string_view, 22> tokens;
  for (auto& t : tokens) {
    t = next_token(rest);
    if (t.empty()) return std::nullopt;
  }
  const auto field = [&](std::size_t number) { return parse_u64(tokens[number - 3]); };
  const auto utime = field(14), stime = field(15), start = field(22), vsize = field(23),
             rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return proc_stat{*utime, *stime, *start, *vsize, *rss};
}

std::optional<std::uint64_t> parse_max_open_files(std::string_view text) {
  constexpr std::string_view key = "Max open files";
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.starts_with(key)) continue;
    line.remove_prefix(key.size());
    // Columns: soft limit, hard limit, units. "unlimited" has no number to expose.
    return parse_u64(next_token(line));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text) {
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (next_token(line) != "btime") continue;
    const auto value = next_token(line);
    if (!next_token(line).empty()) return std::nullopt;
    return parse_u64(value);
  }
  return std::nullopt;
}

}  // namespace bastion::metrics
