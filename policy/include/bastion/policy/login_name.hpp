// The SSH user name of terminating mode: who logs in, and where to.
//
//   alice             -> user alice, no target (the interactive menu, or hop mode)
//   alice+web1        -> user alice, target web1, the rule's default login
//   alice+root@web1   -> user alice, target web1, upstream login root
//
// `ssh alice+web1@bastion`, `ssh -l alice+root@web1 bastion`, and, since OpenSSH splits
// user@host at the last '@', `ssh alice+root@web1@bastion`.
#pragma once

#include <sshlib/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bastion::policy {

/// Longest user, target or login name accepted.
inline constexpr std::size_t max_name_length = 64;

/// True for 1..max_name_length characters of [A-Za-z0-9._-].
bool is_valid_name(std::string_view name) noexcept;

struct login_name {
  std::string user;
  std::optional<std::string> target;
  std::optional<std::string> login;
};

/// Splits an SSH user name as above. Errors (invalid_value, detail for the user): an empty
/// part, more than one '+', '@' without a target, and characters outside [A-Za-z0-9._-].
sshlib::result<login_name> parse_login_name(std::string_view name);

}  // namespace bastion::policy
