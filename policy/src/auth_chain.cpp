// Multi-factor progress through a user's auth chains (authentication.hpp).
#include <bastion/policy/authentication.hpp>

#include <algorithm>

namespace bastion::policy {

auth_progress next_auth_methods(const policy_set& p, std::string_view user,
                                std::span<const auth_method> completed) {
  auth_progress out;
  const auto it = p.users.find(user);
  if (it == p.users.end()) {
    out.can_continue = {auth_method::publickey, auth_method::password,
                        auth_method::keyboard_interactive};
    return out;
  }
  for (const auto& chain : it->second.auth) {
    // The chain is still open when what was completed is its beginning, in order.
    if (completed.size() > chain.size() ||
        !std::equal(completed.begin(), completed.end(), chain.begin())) {
      continue;
    }
    if (completed.size() == chain.size()) {
      out.complete = true;
      out.can_continue.clear();
      return out;
    }
    const auto next = chain[completed.size()];
    if (std::find(out.can_continue.begin(), out.can_continue.end(), next) ==
        out.can_continue.end()) {
      out.can_continue.push_back(next);
    }
  }
  return out;
}

}  // namespace bastion::policy
