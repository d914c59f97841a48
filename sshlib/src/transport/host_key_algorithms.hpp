// The relation between host-key algorithm names (what KEXINIT negotiates), key types and
// signature algorithms: "rsa-sha2-512" is an ssh-rsa key signing with rsa-sha2-512;
// "rsa-sha2-256-cert-v01@openssh.com" is an ssh-rsa certificate signing with rsa-sha2-256.
#pragma once

#include <string>
#include <string_view>

namespace sshlib::transport {

struct host_key_algorithm_info {
  std::string key_type;             // "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", ...
  std::string signature_algorithm;  // "rsa-sha2-512", "ssh-ed25519", ...
};

/// Errors are not possible for names we negotiate; an unknown name maps to itself.
host_key_algorithm_info host_key_algorithm(std::string_view negotiated) noexcept;

}  // namespace sshlib::transport
