// The immutable, validated policy: users and their credentials, certificate authorities,
// targets and rules. Built only by load_policy() (load.hpp); shared as
// std::shared_ptr<const policy_set> so a reload can swap it while sessions keep theirs.
#pragma once

#include <bastion/policy/network.hpp>

#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bastion::policy {

/// SSH user authentication methods the policy knows (RFC 4252, RFC 4256).
/// keyboard_interactive means a TOTP code asked for over keyboard-interactive.
enum class auth_method { publickey, password, keyboard_interactive };
/// "publickey", "password", "keyboard-interactive" (the SSH method names).
std::string_view auth_method_name(auth_method m) noexcept;

enum class totp_algorithm { sha1, sha256, sha512 };

struct totp_settings {
  sshlib::secure_bytes secret;  // decoded from secret_base32
  unsigned digits = 6;          // 6-8
  std::uint64_t period_seconds = 30;
  totp_algorithm algorithm = totp_algorithm::sha1;
};

struct user {
  std::string name;
  std::vector<std::string> groups;
  std::vector<sshlib::key> public_keys;  // plain keys (never certificates)
  std::string password_hash;             // crypt(3): $y$, $6$, $2b$ or $2y$; empty: none
  std::optional<totp_settings> totp;
  /// Alternative chains, each a sequence of methods to complete in order.
  std::vector<std::vector<auth_method>> auth;
};

struct certificate_authority {
  sshlib::key key;  // a plain key
  // "principals": "username" -- the certificate must list the user's name (the only mode).
};

enum class upstream_method { agent, key };

struct upstream_auth {
  upstream_method method = upstream_method::agent;
  std::string key_file;  // for method key
};

struct target {
  std::string name;
  std::string host;
  std::uint16_t port = 22;
  std::vector<sshlib::key> host_keys;  // pinned host keys (plain keys)
  std::string known_hosts;             // path of a known_hosts file; empty: none
  upstream_auth upstream;
};

enum class access_mode { hop, terminating };
std::string_view access_mode_name(access_mode m) noexcept;

/// A set of TCP ports: every port, or a list.
struct port_set {
  bool any = false;
  std::vector<std::uint16_t> ports;

  bool contains(std::uint16_t port) const noexcept;
};

struct local_forward_rule {
  std::string host;  // destination host as the client names it; "*" for any
  port_set ports;
};

struct remote_forward_rule {
  /// Addresses the client may ask the target to bind; "" is the server's default. Default:
  /// loopback only ("", "localhost", "127.0.0.1", "::1"). "*" in the list allows any.
  std::vector<std::string> bind_addresses;
  port_set ports;
};

/// What a rule allows inside a session. Everything defaults to denied.
struct permissions {
  bool shell = false;
  bool exec = false;
  bool pty = false;
  std::vector<std::string> subsystems;
  std::vector<local_forward_rule> local_forwards;
  std::vector<remote_forward_rule> remote_forwards;
  bool agent_forwarding = false;
  bool x11 = false;
  // Environment variables a session may pass on (env requests): names, or prefixes ending
  // in "*". Debian's sshd accepts LANG and LC_* by default; so does the bastion.
  std::vector<std::string> env = {"LANG", "LC_*"};
};

struct session_limits {
  unsigned max_sessions = 10;                 // concurrent sessions of this user via the rule
  std::uint64_t idle_timeout_seconds = 1800;  // 0: none
  std::uint64_t max_duration_seconds = 0;     // 0: none
};

struct rule {
  std::string name;
  std::vector<std::string> users;
  std::vector<std::string> groups;
  std::vector<std::string> targets;         // names, or "*"
  std::vector<std::string> logins;          // the first one is the default
  std::vector<ip_network> source_networks;  // empty: any source
  bool hop = true;
  bool terminating = true;
  permissions allow;
  session_limits limits;
  // Terminating mode records what the user types too (docs/recording.md: it captures
  // passwords typed at prompts that do not echo).
  bool record_input = true;
};

/// The validated policy. Every cross-reference has been checked: rules name defined users,
/// groups that some user has, and defined targets.
struct policy_set {
  std::map<std::string, user, std::less<>> users;
  std::vector<certificate_authority> user_cas;
  std::map<std::string, target, std::less<>> targets;
  std::vector<rule> rules;  // in file order; the first match wins
};

}  // namespace bastion::policy
