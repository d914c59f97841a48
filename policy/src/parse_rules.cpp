// The "rules" section: who, where, as whom, from where, how, and what inside.
#include "parse.hpp"

#include <algorithm>
#include <set>

namespace bastion::policy::detail {

namespace {

void parse_local_forwards(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                          permissions& out) {
  if (!c.expect_array(v, pointer, "local_forwards")) return;
  for (std::size_t i = 0; i < v.size(); ++i) {
    object_reader r(c, v[i], json_child(pointer, i), "a local forward", {"host", "ports"});
    if (!r.is_object()) continue;
    const auto host = r.get_string("host", true);
    const auto* ports_value = r.require("ports");
    auto ports =
        ports_value != nullptr ? parse_ports(c, *ports_value, r.path("ports")) : std::nullopt;
    if (host && ports) out.local_forwards.push_back(local_forward_rule{*host, std::move(*ports)});
  }
}

void parse_remote_forwards(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                           permissions& out) {
  if (!c.expect_array(v, pointer, "remote_forwards")) return;
  for (std::size_t i = 0; i < v.size(); ++i) {
    object_reader r(c, v[i], json_child(pointer, i), "a remote forward",
                    {"ports", "bind_addresses"});
    if (!r.is_object()) continue;
    const auto* ports_value = r.require("ports");
    auto ports =
        ports_value != nullptr ? parse_ports(c, *ports_value, r.path("ports")) : std::nullopt;
    std::vector<std::string> binds{"", "localhost", "127.0.0.1", "::1"};
    if (r.has("bind_addresses")) {
      auto b = r.get_string_array("bind_addresses", false, false);
      if (!b) continue;
      binds = std::move(*b);
    }
    if (ports)
      out.remote_forwards.push_back(remote_forward_rule{std::move(binds), std::move(*ports)});
  }
}

void parse_allow(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                 permissions& out) {
  object_reader r(c, v, pointer, "allow",
                  {"shell", "exec", "pty", "subsystems", "local_forwards", "remote_forwards",
                   "agent_forwarding", "x11", "env"});
  if (!r.is_object()) return;
  out.shell = r.get_bool("shell").value_or(false);
  out.exec = r.get_bool("exec").value_or(false);
  out.pty = r.get_bool("pty").value_or(false);
  out.agent_forwarding = r.get_bool("agent_forwarding").value_or(false);
  out.x11 = r.get_bool("x11").value_or(false);
  if (auto s = r.get_string_array("subsystems")) out.subsystems = std::move(*s);
  if (auto e = r.get_string_array("env")) {
    for (std::size_t i = 0; i < e->size(); ++i) {
      const auto& p = (*e)[i];
      const auto star = p.find('*');
      if (p.empty() || (star != std::string::npos && star != p.size() - 1) ||
          p.find('=') != std::string::npos) {
        c.add(json_child(r.path("env"), i),
              "\"" + p + "\" is not a variable name or a prefix ending in * (such as LC_*)");
      }
    }
    out.env = std::move(*e);
  }
  if (const auto* lf = r.find("local_forwards"))
    parse_local_forwards(c, *lf, r.path("local_forwards"), out);
  if (const auto* rf = r.find("remote_forwards"))
    parse_remote_forwards(c, *rf, r.path("remote_forwards"), out);
}

void parse_limits(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                  session_limits& out) {
  object_reader r(c, v, pointer, "limits",
                  {"max_sessions", "idle_timeout_seconds", "max_duration_seconds"});
  constexpr std::int64_t year = 366LL * 24 * 3600;
  if (const auto m = r.get_integer("max_sessions", 1, 10000))
    out.max_sessions = static_cast<unsigned>(*m);
  if (const auto i = r.get_integer("idle_timeout_seconds", 0, year))
    out.idle_timeout_seconds = static_cast<std::uint64_t>(*i);
  if (const auto d = r.get_integer("max_duration_seconds", 0, year))
    out.max_duration_seconds = static_cast<std::uint64_t>(*d);
}

void parse_modes(json_checker& c, const object_reader& r, rule& out) {
  const auto modes = r.get_string_array("modes", false, false);
  if (!modes) return;
  out.hop = out.terminating = false;
  for (std::size_t i = 0; i < modes->size(); ++i) {
    if ((*modes)[i] == "hop") {
      out.hop = true;
    } else if ((*modes)[i] == "terminating") {
      out.terminating = true;
    } else {
      c.add(json_child(r.path("modes"), i),
            "mode \"" + (*modes)[i] + "\" is not one of hop, terminating");
    }
  }
}

void parse_rule(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                policy_set& out, std::set<std::string>& names) {
  object_reader r(c, v, pointer, "a rule",
                  {"name", "users", "groups", "targets", "logins", "source_networks", "modes",
                   "allow", "limits", "record_input"});
  if (!r.is_object()) {
    out.rules.emplace_back();  // keeps out.rules[i] at /rules/i for the cross-checks
    return;
  }
  rule out_rule;
  if (auto name = r.get_string("name", true)) {
    if (!names.insert(*name).second)
      c.add(r.path("name"), "rule name \"" + *name + "\" is used by an earlier rule");
    out_rule.name = std::move(*name);
  }
  if (auto u = r.get_string_array("users")) out_rule.users = std::move(*u);
  if (auto g = r.get_string_array("groups")) out_rule.groups = std::move(*g);
  if (out_rule.users.empty() && out_rule.groups.empty()) {
    c.add(pointer, "a rule must name at least one user or group (\"users\", \"groups\")");
  }
  if (auto t = r.get_string_array("targets", true, false)) out_rule.targets = std::move(*t);
  parse_modes(c, r, out_rule);
  if (auto l = r.get_string_array("logins", false, false)) {
    for (std::size_t i = 0; i < l->size(); ++i)
      check_name(c, (*l)[i], json_child(r.path("logins"), i), "login");
    out_rule.logins = std::move(*l);
  } else if (!r.has("logins") && out_rule.terminating) {
    c.add(
        pointer,
        "missing required key \"logins\" (the upstream logins; needed unless modes is [\"hop\"])");
  }
  if (auto nets = r.get_string_array("source_networks", false, false)) {
    for (std::size_t i = 0; i < nets->size(); ++i) {
      auto n = parse_network((*nets)[i]);
      if (n) {
        out_rule.source_networks.push_back(std::move(*n));
      } else {
        c.add(json_child(r.path("source_networks"), i), n.error().detail);
      }
    }
  }
  if (const auto* a = r.find("allow")) parse_allow(c, *a, r.path("allow"), out_rule.allow);
  if (const auto* l = r.find("limits")) parse_limits(c, *l, r.path("limits"), out_rule.limits);
  if (auto ri = r.get_bool("record_input")) out_rule.record_input = *ri;
  out.rules.push_back(std::move(out_rule));
}

}  // namespace

void parse_rules(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                 policy_set& out) {
  if (!c.expect_array(v, pointer, "rules")) return;
  std::set<std::string> names;
  for (std::size_t i = 0; i < v.size(); ++i)
    parse_rule(c, v[i], json_child(pointer, i), out, names);
}

}  // namespace bastion::policy::detail
