// Small helpers of the policy model (model.hpp).
#include <bastion/policy/model.hpp>

#include <algorithm>

namespace bastion::policy {

std::string_view auth_method_name(auth_method m) noexcept {
  switch (m) {
    case auth_method::publickey:
      return "publickey";
    case auth_method::password:
      return "password";
    case auth_method::keyboard_interactive:
      return "keyboard-interactive";
  }
  return "unknown";
}

std::string_view access_mode_name(access_mode m) noexcept {
  return m == access_mode::hop ? "hop" : "terminating";
}

bool port_set::contains(std::uint16_t port) const noexcept {
  return any || std::find(ports.begin(), ports.end(), port) != ports.end();
}

}  // namespace bastion::policy
