#include "keys/key_types.hpp"

#include <array>

namespace sshlib::keys {
namespace {

using crypto::digest_algorithm;

constexpr std::array<type_info, 6> table{{
    {key_type::ed25519, "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "", "", 0,
     digest_algorithm::sha512},
    {key_type::ecdsa_p256, "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
     "nistp256", "P-256", 32, digest_algorithm::sha256},
    {key_type::ecdsa_p384, "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
     "nistp384", "P-384", 48, digest_algorithm::sha384},
    {key_type::ecdsa_p521, "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
     "nistp521", "P-521", 66, digest_algorithm::sha512},
    {key_type::rsa, "ssh-rsa", "ssh-rsa-cert-v01@openssh.com", "", "", 0, digest_algorithm::sha512},
    {key_type::dsa, "ssh-dss", "ssh-dss-cert-v01@openssh.com", "", "", 0, digest_algorithm::sha1},
}};

}  // namespace

const type_info& info(key_type kind) noexcept {
  for (const auto& t : table) {
    if (t.kind == kind) return t;
  }
  return table[0];  // unreachable: every enumerator is in the table
}

const type_info* find_type(std::string_view name, bool& is_cert) noexcept {
  for (const auto& t : table) {
    if (t.name == name) {
      is_cert = false;
      return &t;
    }
    if (t.cert_name == name) {
      is_cert = true;
      return &t;
    }
  }
  return nullptr;
}

const type_info* find_curve(std::string_view curve_id) noexcept {
  for (const auto& t : table) {
    if (!t.curve_id.empty() && t.curve_id == curve_id) return &t;
  }
  return nullptr;
}

}  // namespace sshlib::keys

namespace sshlib {
std::string_view key_type_name(key_type type) noexcept { return keys::info(type).name; }
}  // namespace sshlib
