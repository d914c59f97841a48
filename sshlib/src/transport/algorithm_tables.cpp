#include "transport/algorithm_tables.hpp"

#include <array>

namespace sshlib::transport {
namespace {

using namespace std::string_view_literals;

constexpr std::array kex_defaults{
    "curve25519-sha256"sv, "curve25519-sha256@libssh.org"sv, "ecdh-sha2-nistp256"sv,
    "ecdh-sha2-nistp384"sv, "ecdh-sha2-nistp521"sv, "diffie-hellman-group-exchange-sha256"sv,
    "diffie-hellman-group14-sha256"sv, "diffie-hellman-group15-sha512"sv,
    "diffie-hellman-group16-sha512"sv, "diffie-hellman-group17-sha512"sv,
    "diffie-hellman-group18-sha512"sv};
constexpr std::array kex_others{"diffie-hellman-group-exchange-sha1"sv,
                                "diffie-hellman-group14-sha1"sv, "diffie-hellman-group1-sha1"sv};

// Certificates first: a client that can check a host certificate prefers it, as OpenSSH does.
constexpr std::array host_key_defaults{
    "ssh-ed25519-cert-v01@openssh.com"sv, "ecdsa-sha2-nistp256-cert-v01@openssh.com"sv,
    "ecdsa-sha2-nistp384-cert-v01@openssh.com"sv, "ecdsa-sha2-nistp521-cert-v01@openssh.com"sv,
    "rsa-sha2-512-cert-v01@openssh.com"sv, "rsa-sha2-256-cert-v01@openssh.com"sv,
    "ssh-ed25519"sv, "ecdsa-sha2-nistp256"sv, "ecdsa-sha2-nistp384"sv, "ecdsa-sha2-nistp521"sv,
    "rsa-sha2-512"sv, "rsa-sha2-256"sv};
// ssh-rsa signs with SHA-1: the seed has it on by default, we keep it available but off.
constexpr std::array host_key_others{"ssh-rsa"sv, "ssh-rsa-cert-v01@openssh.com"sv, "ssh-dss"sv,
                                     "ssh-dss-cert-v01@openssh.com"sv};

constexpr std::array cipher_defaults{
    "chacha20-poly1305@openssh.com"sv, "aes128-gcm"sv, "aes128-gcm@openssh.com"sv,
    "aes256-gcm"sv, "aes256-gcm@openssh.com"sv, "aes128-ctr"sv, "aes192-ctr"sv, "aes256-ctr"sv};
constexpr std::array cipher_others{"3des-cbc"sv, "aes256-cbc"sv, "aes192-cbc"sv, "aes128-cbc"sv,
                                   "arcfour256"sv, "arcfour128"sv, "arcfour"sv,
                                   "blowfish-cbc"sv, "cast128-cbc"sv};

constexpr std::array mac_defaults{"hmac-sha2-256-etm@openssh.com"sv,
                                  "hmac-sha2-512-etm@openssh.com"sv, "hmac-sha1-etm@openssh.com"sv,
                                  "hmac-sha2-256"sv, "hmac-sha2-512"sv, "hmac-sha1"sv};
constexpr std::array mac_others{"hmac-md5"sv, "hmac-sha2-256-96"sv, "hmac-sha2-512-96"sv,
                                "hmac-ripemd160"sv, "hmac-sha1-96"sv, "hmac-md5-96"sv};

constexpr std::array compression_defaults{"none"sv, "zlib@openssh.com"sv, "zlib"sv};

}  // namespace

algorithm_table table_for(algorithm_category category) noexcept {
  switch (category) {
    case algorithm_category::kex: return {kex_defaults, kex_others};
    case algorithm_category::host_key: return {host_key_defaults, host_key_others};
    case algorithm_category::cipher: return {cipher_defaults, cipher_others};
    case algorithm_category::mac: return {mac_defaults, mac_others};
    case algorithm_category::compression: return {compression_defaults, {}};
  }
  return {};
}

}  // namespace sshlib::transport
