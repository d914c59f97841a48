// The "targets" section.
#include "parse.hpp"

#include <algorithm>

namespace bastion::policy::detail {

namespace {

bool valid_host(std::string_view host) {
  // A DNS name or an IP address literal (IPv6 with ':'); no brackets, spaces or ports.
  return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '-' || ch == '_' || ch == ':';
  });
}

std::optional<std::string> absolute_path(const object_reader& r, std::string_view key) {
  auto p = r.get_string(key);
  if (p && p->front() != '/') {
    r.checker().add(r.path(key), std::string(key) + " \"" + *p + "\" must be an absolute path");
    return std::nullopt;
  }
  return p;
}

void parse_upstream(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                    upstream_auth& out) {
  object_reader r(c, v, pointer, "upstream_auth", {"method", "key_file"});
  const auto method = r.get_string("method", true);
  if (!method) return;
  if (*method == "agent") {
    out.method = upstream_method::agent;
    if (r.has("key_file")) c.add(r.path("key_file"), "key_file is only used with method \"key\"");
  } else if (*method == "key") {
    out.method = upstream_method::key;
    if (r.require("key_file") != nullptr) {
      if (auto path = absolute_path(r, "key_file")) out.key_file = std::move(*path);
    }
  } else {
    c.add(r.path("method"), "method \"" + *method + "\" is not one of key, agent");
  }
}

void parse_target(json_checker& c, const std::string& name, const nlohmann::json& v,
                  const std::string& pointer, policy_set& out) {
  check_name(c, name, pointer, "target name");
  object_reader r(c, v, pointer, "a target",
                  {"host", "port", "host_keys", "known_hosts", "upstream_auth"});
  if (!r.is_object()) return;
  target t;
  t.name = name;
  if (auto host = r.get_string("host", true)) {
    if (!valid_host(*host)) {
      c.add(r.path("host"), "host \"" + *host + "\" is not a host name or IP address");
    }
    t.host = std::move(*host);
  }
  if (const auto port = r.get_integer("port", 1, 65535)) t.port = static_cast<std::uint16_t>(*port);
  if (const auto* keys = r.find("host_keys");
      keys != nullptr && c.expect_array(*keys, r.path("host_keys"), "host_keys")) {
    if (keys->empty())
      c.add(r.path("host_keys"), "host_keys must not be empty (omit it to use known_hosts alone)");
    for (std::size_t i = 0; i < keys->size(); ++i) {
      if (auto k = parse_public_key_line(c, (*keys)[i], json_child(r.path("host_keys"), i))) {
        t.host_keys.push_back(std::move(*k));
      }
    }
  }
  if (auto kh = absolute_path(r, "known_hosts")) t.known_hosts = std::move(*kh);
  if (!r.has("host_keys") && !r.has("known_hosts")) {
    c.add(pointer, "target \"" + name + "\" needs host_keys or known_hosts, to check its host key");
  }
  if (const auto* up = r.find("upstream_auth"))
    parse_upstream(c, *up, r.path("upstream_auth"), t.upstream);
  out.targets.emplace(name, std::move(t));
}

}  // namespace

void parse_targets(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                   policy_set& out) {
  if (!v.is_object()) {
    c.add(pointer, "targets must be an object of target name to target, not " + json_type_name(v));
    return;
  }
  for (const auto& [name, target_value] : v.items()) {
    parse_target(c, name, target_value, json_child(pointer, name), out);
  }
}

std::optional<port_set> parse_ports(json_checker& c, const nlohmann::json& v,
                                    const std::string& pointer) {
  if (v.is_string() && v.get<std::string>() == "*") return port_set{true, {}};
  if (!v.is_array()) {
    c.add(pointer, "ports must be an array of port numbers or \"*\", not " + json_type_name(v));
    return std::nullopt;
  }
  if (v.empty()) {
    c.add(pointer, "ports must not be empty");
    return std::nullopt;
  }
  port_set out;
  bool ok = true;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto p = c.integer_value(v[i], json_child(pointer, i), "port", 1, 65535);
    if (p) {
      out.ports.push_back(static_cast<std::uint16_t>(*p));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace bastion::policy::detail
