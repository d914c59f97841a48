#include "transport/host_key_algorithms.hpp"

namespace sshlib::transport {

host_key_algorithm_info host_key_algorithm(std::string_view negotiated) noexcept {
  constexpr std::string_view cert_suffix = "-cert-v01@openssh.com";
  const bool cert = negotiated.ends_with(cert_suffix);
  const std::string_view base = cert ? negotiated.substr(0, negotiated.size() - cert_suffix.size()) : negotiated;
  std::string type(base);
  if (base == "rsa-sha2-256" || base == "rsa-sha2-512") type = "ssh-rsa";
  if (cert) type += cert_suffix;
  return {std::move(type), std::string(base)};
}

}  // namespace sshlib::transport
