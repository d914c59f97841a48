// Decisions inside a granted session: channels, requests and forwards (authorization.hpp).
#include <bastion/policy/authorization.hpp>

#include "printable.hpp"

#include <algorithm>
#include <cctype>

namespace bastion::policy {

namespace {

using detail::printable;

bool iequal(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

decision verdict(const grant& g, bool allowed, const std::string& what) {
  if (allowed)
    return decision::allow("rule " + g.rule + " allows " + what + " on " + g.destination.name,
                           g.rule);
  return decision::deny("rule " + g.rule + " does not allow " + what + " on " + g.destination.name);
}

}  // namespace

decision allow_channel(const grant& g, channel_kind kind, std::string_view subsystem) {
  switch (kind) {
    case channel_kind::shell:
      return verdict(g, g.allow.shell, "shell sessions");
    case channel_kind::exec:
      return verdict(g, g.allow.exec, "command execution");
    case channel_kind::pty:
      return verdict(g, g.allow.pty, "a pseudo-terminal");
    case channel_kind::x11:
      return verdict(g, g.allow.x11, "X11 forwarding");
    case channel_kind::agent_forwarding:
      return verdict(g, g.allow.agent_forwarding, "agent forwarding");
    case channel_kind::subsystem: {
      const auto& s = g.allow.subsystems;
      return verdict(g, std::find(s.begin(), s.end(), subsystem) != s.end(),
                     "the subsystem \"" + printable(subsystem) + "\"");
    }
  }
  return decision::deny("unknown channel kind");
}

decision allow_env(const grant& g, std::string_view name) {
  const bool ok = std::any_of(g.allow.env.begin(), g.allow.env.end(), [&](const std::string& p) {
    if (!p.empty() && p.back() == '*')
      return name.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1);
    return name == p;
  });
  return verdict(g, ok, "the environment variable " + printable(name));
}

decision allow_local_forward(const grant& g, std::string_view host, std::uint16_t port) {
  const bool ok =
      std::any_of(g.allow.local_forwards.begin(), g.allow.local_forwards.end(),
                  [&](const local_forward_rule& f) {
                    return (f.host == "*" || iequal(f.host, host)) && f.ports.contains(port);
                  });
  return verdict(g, ok, "local forwards to " + printable(host) + ":" + std::to_string(port));
}

decision allow_remote_forward(const grant& g, std::string_view bind_address, std::uint16_t port) {
  const bool ok =
      std::any_of(g.allow.remote_forwards.begin(), g.allow.remote_forwards.end(),
                  [&](const remote_forward_rule& f) {
                    const auto& b = f.bind_addresses;
                    const bool bind_ok = std::any_of(b.begin(), b.end(), [&](const std::string& a) {
                      return a == "*" || iequal(a, bind_address);
                    });
                    return bind_ok && (port == 0 ? f.ports.any : f.ports.contains(port));
                  });
  const std::string where =
      bind_address.empty() ? std::string("the default address") : printable(bind_address);
  return verdict(g, ok, "remote forwards on " + where + ":" + std::to_string(port));
}

}  // namespace bastion::policy
