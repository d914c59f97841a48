// Untrusted text (user names from the client, certificate key ids, hosts asked for) made
// safe for a one-line reason: bytes outside printable ASCII become '?', and long text is cut.
#pragma once

#include <string>
#include <string_view>

namespace bastion::policy::detail {

inline std::string printable(std::string_view s, std::size_t max = 128) {
  std::string out;
  for (const char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace bastion::policy::detail
