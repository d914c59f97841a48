// The policy parser's parts, one per top-level section (private to the library).
#pragma once

#include <bastion/policy/json_checker.hpp>
#include <bastion/policy/model.hpp>

#include <optional>
#include <string>

namespace bastion::policy::detail {

/// A one-line OpenSSH public key ("ssh-ed25519 AAAA... comment"): a plain public key, or a
/// problem at `pointer` (sshlib's message for malformed keys).
std::optional<sshlib::key> parse_public_key_line(json_checker& c, const nlohmann::json& v,
                                                 const std::string& pointer);
/// [1-65535 ...] or "*" (every port; for remote forwards also port 0, "let the server pick").
std::optional<port_set> parse_ports(json_checker& c, const nlohmann::json& v,
                                    const std::string& pointer);
/// A name in [A-Za-z0-9._-]{1,64}; reports `what` otherwise.
bool check_name(json_checker& c, std::string_view name, const std::string& pointer,
                std::string_view what);

void parse_users(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                 policy_set& out);
void parse_user_cas(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                    policy_set& out);
void parse_targets(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                   policy_set& out);
void parse_rules(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                 policy_set& out);
/// Cross-checks once every section is read: auth chains against credentials, rules against
/// users, groups and targets. `base` is the document's pointer.
void check_references(json_checker& c, const std::string& base, policy_set& out);

/// Why a stored password hash is refused ("uses MD5-crypt ($1$), which is refused; ..."),
/// or nothing when it is a well-formed yescrypt, sha512-crypt or bcrypt hash.
std::optional<std::string> password_hash_problem(std::string_view hash);

}  // namespace bastion::policy::detail
