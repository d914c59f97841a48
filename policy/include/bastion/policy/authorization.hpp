// Access decisions on an immutable policy: which targets a user may reach, as which login,
// from where, in which mode; and, within a granted session, which channels and forwards.
// Everything not allowed by a matching rule is denied, and every denial says what was asked.
// Pure functions, safe from any thread on a shared policy_set.
#pragma once

#include <bastion/policy/decision.hpp>
#include <bastion/policy/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::policy {

/// What a session may do: a copy of the granting rule's permissions and limits and of the
/// target, so it stays valid (and unchanged) after the policy is reloaded.
struct grant {
  std::string rule;
  std::string user;
  policy::target destination;
  std::string login;  // the upstream login (terminating mode); empty in hop mode
  access_mode mode = access_mode::terminating;
  permissions allow;
  session_limits limits;
  bool record_input = true;
};

struct access_decision {
  decision verdict;
  std::optional<grant> granted;  // set exactly when verdict.allowed
};

struct access_request {
  std::string user;
  std::string source_address;        // the client's IPv4 or IPv6 address, as text
  std::string target;                // a target name
  std::optional<std::string> login;  // none: the default login of the first matching rule
  access_mode mode = access_mode::terminating;
};

/// The first rule (in file order) matching the user (by name or group), the target, the
/// source network, the mode and the login grants access. In hop mode logins are not
/// considered. Denials narrow down what failed ("no rule lets alice reach web1 as root from
/// 192.0.2.7").
access_decision authorize_target(const policy_set& p, const access_request& request);

/// Hop mode (ssh -J): a direct-tcpip request to host:port is matched against the targets'
/// host (case-insensitively) or name, and port; then as authorize_target in hop mode.
/// Requests to hosts that are not targets are denied.
access_decision authorize_hop(const policy_set& p, std::string_view user,
                              std::string_view source_address, std::string_view host,
                              std::uint16_t port);

struct reachable_target {
  std::string name;
  std::vector<std::string> logins;  // in rule order, the first one the default; empty for hop
};

/// The targets `user` may reach from `source_address` in `mode`, sorted by name, each with
/// the logins allowed (for the interactive menu).
std::vector<reachable_target> reachable_targets(const policy_set& p, std::string_view user,
                                                std::string_view source_address, access_mode mode);

enum class channel_kind { shell, exec, pty, subsystem, x11, agent_forwarding };

/// Whether the session may open or request `kind`; `subsystem` names the subsystem for
/// channel_kind::subsystem ("sftp").
decision allow_channel(const grant& g, channel_kind kind, std::string_view subsystem = {});
/// An env request for variable `name`: matched against allow.env (a name, or a prefix
/// ending in "*").
decision allow_env(const grant& g, std::string_view name);
/// A direct-tcpip (ssh -L/-D/-W) to host:port: matched against allow.local_forwards (host
/// case-insensitively, or "*").
decision allow_local_forward(const grant& g, std::string_view host, std::uint16_t port);
/// A tcpip-forward (ssh -R) of bind_address:port; port 0 (the server picks) needs "ports": "*".
decision allow_remote_forward(const grant& g, std::string_view bind_address, std::uint16_t port);

}  // namespace bastion::policy
