// Plain value types of the agent protocol (draft-miller-ssh-agent, openssh-portable
// PROTOCOL.agent) shared by the public agent classes and the private codec. No Asio here, so
// the codec and its fuzz target include this without pulling in I/O templates.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sshlib {

/// Flags of SSH_AGENTC_SIGN_REQUEST (draft-miller-ssh-agent section 4.5.1). They choose the
/// RSA signature hash; other key types ignore them.
enum class sign_flags : std::uint32_t {
  none = 0,
  rsa_sha2_256 = 2,  // SSH_AGENT_RSA_SHA2_256: sign with "rsa-sha2-256" (RFC 8332)
  rsa_sha2_512 = 4,  // SSH_AGENT_RSA_SHA2_512: sign with "rsa-sha2-512" (RFC 8332)
};

constexpr sign_flags operator|(sign_flags a, sign_flags b) noexcept {
  return static_cast<sign_flags>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr bool has_flag(sign_flags set, sign_flags flag) noexcept {
  return (static_cast<std::uint32_t>(set) & static_cast<std::uint32_t>(flag)) != 0;
}

/// The signature algorithm an agent uses for an RSA key given these flags, as OpenSSH's
/// ssh-agent chooses it: rsa_sha2_256 wins when both bits are set; neither means "ssh-rsa".
constexpr std::string_view rsa_algorithm_for(sign_flags flags) noexcept {
  if (has_flag(flags, sign_flags::rsa_sha2_256)) return "rsa-sha2-256";
  if (has_flag(flags, sign_flags::rsa_sha2_512)) return "rsa-sha2-512";
  return "ssh-rsa";
}

/// The flags that ask an agent for `algorithm` ("rsa-sha2-256", "rsa-sha2-512"); none for
/// every other name.
constexpr sign_flags sign_flags_for(std::string_view algorithm) noexcept {
  if (algorithm == "rsa-sha2-256") return sign_flags::rsa_sha2_256;
  if (algorithm == "rsa-sha2-512") return sign_flags::rsa_sha2_512;
  return sign_flags::none;
}

/// Constraints attached to a key by SSH_AGENTC_ADD_ID_CONSTRAINED (draft-miller-ssh-agent
/// section 4.2.6). Extension constraints (restrict-destination-v00@openssh.com, ...) are not
/// represented: our agents refuse keys that carry them, as the draft requires for
/// constraints an agent does not understand.
struct key_constraints {
  /// SSH_AGENT_CONSTRAIN_LIFETIME: the agent forgets the key after this many seconds.
  std::optional<std::uint32_t> lifetime_seconds;
  /// SSH_AGENT_CONSTRAIN_CONFIRM: each use must be confirmed by the user.
  bool confirm = false;

  bool empty() const noexcept { return !lifetime_seconds && !confirm; }
  friend bool operator==(const key_constraints&, const key_constraints&) = default;
};

}  // namespace sshlib
