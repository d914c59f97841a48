// Cross-checks once every section is parsed: each user can log in and each chain method has
// its credential; each rule names defined users, groups in use, and defined targets.
#include "parse.hpp"

#include <algorithm>
#include <set>

namespace bastion::policy::detail {

namespace {

void check_user_auth(json_checker& c, const std::string& pointer, bool have_cas, user& u) {
  const bool can_publickey = !u.public_keys.empty() || have_cas;
  const bool can_password = !u.password_hash.empty();
  if (u.auth.empty()) {
    if (can_publickey) u.auth.push_back({auth_method::publickey});
    if (can_password) u.auth.push_back({auth_method::password});
    if (u.auth.empty()) {
      c.add(pointer, "user \"" + u.name +
                         "\" has no way to log in: give public_keys or password_hash, "
                         "or configure user_certificate_authorities");
    }
    if (u.totp) {
      c.add(json_child(pointer, "totp"),
            "totp is configured but no auth chain uses keyboard-interactive; "
            "add \"auth\", e.g. [[\"publickey\", \"keyboard-interactive\"]]");
    }
    return;
  }
  const auto auth_pointer = json_child(pointer, "auth");
  for (std::size_t i = 0; i < u.auth.size(); ++i) {
    for (const auto m : u.auth[i]) {
      const char* missing = nullptr;
      if (m == auth_method::publickey && !can_publickey)
        missing = "public_keys (or a user certificate authority)";
      if (m == auth_method::password && !can_password) missing = "password_hash";
      if (m == auth_method::keyboard_interactive && !u.totp) missing = "totp";
      if (missing != nullptr) {
        c.add(json_child(auth_pointer, i), "chain uses \"" + std::string(auth_method_name(m)) +
                                               "\" but user \"" + u.name + "\" has no " + missing);
      }
    }
  }
}

void check_rule(json_checker& c, const std::string& pointer, const policy_set& p,
                const std::set<std::string, std::less<>>& groups_in_use, const rule& r) {
  for (std::size_t i = 0; i < r.users.size(); ++i) {
    if (!p.users.contains(r.users[i])) {
      c.add(json_child(json_child(pointer, "users"), i),
            "rule \"" + r.name + "\" names user \"" + r.users[i] + "\", which is not defined");
    }
  }
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    if (!groups_in_use.contains(r.groups[i])) {
      c.add(
          json_child(json_child(pointer, "groups"), i),
          "rule \"" + r.name + "\" names group \"" + r.groups[i] + "\", which no user belongs to");
    }
  }
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    if (r.targets[i] != "*" && !p.targets.contains(r.targets[i])) {
      c.add(json_child(json_child(pointer, "targets"), i),
            "rule \"" + r.name + "\" names target \"" + r.targets[i] + "\", which is not defined");
    }
  }
}

}  // namespace

void check_references(json_checker& c, const std::string& base, policy_set& out) {
  const bool have_cas = !out.user_cas.empty();
  for (auto& [name, u] : out.users)
    check_user_auth(c, json_child(json_child(base, "users"), name), have_cas, u);
  // Built once: a large policy must not cost rules x users to check.
  std::set<std::string, std::less<>> groups_in_use;
  for (const auto& [name, u] : out.users) groups_in_use.insert(u.groups.begin(), u.groups.end());
  for (std::size_t i = 0; i < out.rules.size(); ++i) {
    check_rule(c, json_child(json_child(base, "rules"), i), out, groups_in_use, out.rules[i]);
  }
}

}  // namespace bastion::policy::detail
