// The answer to every policy question.
#pragma once

#include <string>

namespace bastion::policy {

/// Allowed or denied, and why: `reason` is a one-line, human-readable sentence meant for the
/// log and, for a denial, for the user ("no rule lets alice reach web1 as root from
/// 192.0.2.7"). `rule` names the rule that allowed the request (empty when denied or when
/// no rule is involved, e.g. authentication).
struct decision {
  bool allowed = false;
  std::string reason;
  std::string rule;

  explicit operator bool() const noexcept { return allowed; }

  static decision allow(std::string why, std::string rule_name = {}) {
    return decision{true, std::move(why), std::move(rule_name)};
  }
  static decision deny(std::string why) { return decision{false, std::move(why), {}}; }
};

}  // namespace bastion::policy
