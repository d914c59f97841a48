#include "keys/host_patterns.hpp"

namespace sshlib::keys {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool wildcard_match(std::string_view name, std::string_view pattern, bool fold_case) noexcept {
  // Greedy matching that remembers only the last '*': when a later literal fails, that star
  // absorbs one more character and matching resumes after it. Earlier stars never need
  // revisiting, which bounds the work by name.size() * pattern.size().
  std::size_t n = 0, p = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || pattern[p] == name[n] ||
                (fold_case && lower(pattern[p]) == lower(name[n])))) {
      ++n;
      ++p;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

pattern_list_match match_pattern_list(std::string_view name, std::string_view list) noexcept {
  bool matched = false;
  for (;;) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    const bool negate = !item.empty() && item.front() == '!';
    if (negate) item.remove_prefix(1);
    if (wildcard_match(name, item, /*fold_case=*/true)) {
      // One matching negation rejects the whole line, so nothing later can change the answer.
      if (negate) return pattern_list_match::negated;
      matched = true;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return matched ? pattern_list_match::matched : pattern_list_match::none;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

}  // namespace sshlib::keys
