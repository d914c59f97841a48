// Host name patterns as OpenSSH uses them in known_hosts host fields and host certificate
// principals (its match.c semantics): '*' matches any run of characters, '?' any single
// character, and a comma-separated list may negate a pattern with a leading '!'.
#pragma once

#include <string>
#include <string_view>

namespace sshlib::keys {

/// True when all of `name` matches `pattern`. '*' and '?' are wildcards; every other
/// character matches itself, ignoring ASCII case when fold_case is set. At worst
/// O(name.size() * pattern.size()) steps: a hostile pattern cannot make it backtrack
/// exponentially.
bool wildcard_match(std::string_view name, std::string_view pattern, bool fold_case) noexcept;

enum class pattern_list_match { none, matched, negated };

/// Matches `name` against a comma-separated list of patterns, ignoring ASCII case (as
/// OpenSSH's match_hostname): `negated` when a "!pattern" matches, whatever else matches;
/// otherwise `matched` when a plain pattern matches; otherwise `none`. Empty items match
/// only an empty name.
pattern_list_match match_pattern_list(std::string_view name, std::string_view list) noexcept;

/// A copy of s with ASCII letters in lower case (other bytes unchanged).
std::string ascii_lower(std::string_view s);

}  // namespace sshlib::keys
