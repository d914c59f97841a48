// Which targets a user may reach (authorization.hpp): authorize_target, authorize_hop and
// reachable_targets share one rule matcher.
#include <bastion/policy/authorization.hpp>
#include <bastion/policy/login_name.hpp>

#include "printable.hpp"

#include <algorithm>
#include <cctype>

namespace bastion::policy {

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool matches_user(const rule& r, const user& u) {
  return contains(r.users, u.name) ||
         std::any_of(u.groups.begin(), u.groups.end(),
                     [&](const std::string& g) { return contains(r.groups, g); });
}

bool matches_target(const rule& r, std::string_view target) {
  return contains(r.targets, "*") || contains(r.targets, target);
}

bool matches_source(const rule& r, const ip_address& a) {
  return r.source_networks.empty() ||
         std::any_of(r.source_networks.begin(), r.source_networks.end(),
                     [&](const ip_network& n) { return n.contains(a); });
}

bool matches_mode(const rule& r, access_mode m) {
  return m == access_mode::hop ? r.hop : r.terminating;
}

using detail::printable;

grant make_grant(const rule& r, const user& u, const target& t, std::string login,
                 access_mode mode) {
  return grant{r.name, u.name, t, std::move(login), mode, r.allow, r.limits, r.record_input};
}

// The first matching rule for a known user, target and parsed source; or a denial saying
// how far matching got.
access_decision match(const policy_set& p, const user& u, const target& t, const ip_address& source,
                      const std::string& source_text, const std::optional<std::string>& login,
                      access_mode mode) {
  std::string ask = "no rule lets " + u.name + " reach " + t.name;
  bool any_target = false, any_mode = false, any_source = false;
  for (const auto& r : p.rules) {
    if (!matches_user(r, u) || !matches_target(r, t.name)) continue;
    any_target = true;
    if (!matches_mode(r, mode)) continue;
    any_mode = true;
    if (!matches_source(r, source)) continue;
    any_source = true;
    if (mode == access_mode::hop) {
      return {decision::allow(u.name + " may reach " + t.name + " by hop from " + source_text +
                                  " (rule " + r.name + ")",
                              r.name),
              make_grant(r, u, t, {}, mode)};
    }
    if (r.logins.empty() || (login && !contains(r.logins, *login))) continue;
    const std::string chosen = login ? *login : r.logins.front();
    return {decision::allow(u.name + " may reach " + t.name + " as " + chosen + " from " +
                                source_text + " (rule " + r.name + ")",
                            r.name),
            make_grant(r, u, t, chosen, mode)};
  }
  if (!any_target) return {decision::deny(ask), std::nullopt};
  if (!any_mode)
    return {decision::deny(ask + " in " + std::string(access_mode_name(mode)) + " mode"),
            std::nullopt};
  if (!any_source) return {decision::deny(ask + " from " + source_text), std::nullopt};
  return {decision::deny(ask + " as " + (login ? printable(*login) : std::string("any login")) +
                         " from " + source_text),
          std::nullopt};
}

}  // namespace

access_decision authorize_target(const policy_set& p, const access_request& request) {
  const auto u = p.users.find(request.user);
  if (u == p.users.end())
    return {decision::deny("unknown user \"" + printable(request.user) + "\""), std::nullopt};
  const auto source = parse_ip_address(request.source_address);
  if (!source)
    return {decision::deny("source address \"" + printable(request.source_address) +
                           "\" is not an IP address"),
            std::nullopt};
  const auto t = p.targets.find(request.target);
  if (t == p.targets.end())
    return {decision::deny("target \"" + printable(request.target) + "\" is not defined"),
            std::nullopt};
  return match(p, u->second, t->second, *source, request.source_address, request.login,
               request.mode);
}

access_decision authorize_hop(const policy_set& p, std::string_view user,
                              std::string_view source_address, std::string_view host,
                              std::uint16_t port) {
  const auto u = p.users.find(user);
  if (u == p.users.end())
    return {decision::deny("unknown user \"" + printable(user) + "\""), std::nullopt};
  const auto source = parse_ip_address(source_address);
  if (!source)
    return {
        decision::deny("source address \"" + printable(source_address) + "\" is not an IP address"),
        std::nullopt};
  auto iequal = [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) ==
             std::tolower(static_cast<unsigned char>(y));
    });
  };
  std::optional<access_decision> first_denial;
  for (const auto& [name, t] : p.targets) {
    if (t.port != port || !(iequal(t.host, host) || name == host)) continue;
    auto d = match(p, u->second, t, *source, std::string(source_address), std::nullopt,
                   access_mode::hop);
    if (d.verdict.allowed) return d;
    if (!first_denial) first_denial = std::move(d);
  }
  if (first_denial) return std::move(*first_denial);
  return {decision::deny(u->second.name + " may not hop to " + printable(host) + ":" +
                         std::to_string(port) + ": it is not a defined target"),
          std::nullopt};
}

std::vector<reachable_target> reachable_targets(const policy_set& p, std::string_view user,
                                                std::string_view source_address, access_mode mode) {
  std::vector<reachable_target> out;
  const auto u = p.users.find(user);
  const auto source = parse_ip_address(source_address);
  if (u == p.users.end() || !source) return out;
  for (const auto& [name, t] : p.targets) {  // std::map: sorted by name
    std::optional<reachable_target> entry;
    for (const auto& r : p.rules) {
      if (!matches_user(r, u->second) || !matches_target(r, name) || !matches_mode(r, mode) ||
          !matches_source(r, *source))
        continue;
      if (mode == access_mode::terminating && r.logins.empty()) continue;
      if (!entry) entry = reachable_target{name, {}};
      if (mode == access_mode::hop) continue;
      for (const auto& l : r.logins) {
        if (!contains(entry->logins, l)) entry->logins.push_back(l);
      }
    }
    if (entry) out.push_back(std::move(*entry));
  }
  return out;
}

}  // namespace bastion::policy
