#include "crypto/packet_algorithms.hpp"

#include <array>

namespace sshlib::crypto {
namespace {

using k = packet_cipher_kind;
constexpr std::array<cipher_spec, 12> ciphers{{
    {"chacha20-poly1305@openssh.com", "", k::chacha20_poly1305, 64, 0, 8, 16},
    {"aes256-gcm@openssh.com", "", k::aes_gcm, 32, 12, 16, 16},
    {"aes128-gcm@openssh.com", "", k::aes_gcm, 16, 12, 16, 16},
    // RFC 5647's names; like the seed we run them as the @openssh.com forms (the MAC name is
    // ignored for an AEAD, as OpenSSH does, rather than RFC 5647's matching AEAD MAC rule).
    {"aes256-gcm", "", k::aes_gcm, 32, 12, 16, 16},
    {"aes128-gcm", "", k::aes_gcm, 16, 12, 16, 16},
    {"aes256-ctr", "AES-256-CTR", k::block, 32, 16, 16, 0},
    {"aes192-ctr", "AES-192-CTR", k::block, 24, 16, 16, 0},
    {"aes128-ctr", "AES-128-CTR", k::block, 16, 16, 16, 0},
    {"aes256-cbc", "AES-256-CBC", k::block, 32, 16, 16, 0},
    {"aes192-cbc", "AES-192-CBC", k::block, 24, 16, 16, 0},
    {"aes128-cbc", "AES-128-CBC", k::block, 16, 16, 16, 0},
    {"3des-cbc", "DES-EDE3-CBC", k::block, 24, 8, 8, 0},
}};

using h = hmac_algorithm;
// RFC 4253 section 6.4 and RFC 6668: the key is as long as the digest; -96 keeps 12 bytes.
constexpr std::array<mac_spec, 17> macs{{
    {"hmac-sha2-256-etm@openssh.com", h::sha256, 32, 32, true},
    {"hmac-sha2-512-etm@openssh.com", h::sha512, 64, 64, true},
    {"hmac-sha1-etm@openssh.com", h::sha1, 20, 20, true},
    {"hmac-sha1-96-etm@openssh.com", h::sha1, 20, 12, true},
    {"hmac-md5-etm@openssh.com", h::md5, 16, 16, true},
    {"hmac-md5-96-etm@openssh.com", h::md5, 16, 12, true},
    {"hmac-ripemd160-etm@openssh.com", h::ripemd160, 20, 20, true},
    {"hmac-sha2-256", h::sha256, 32, 32, false},
    {"hmac-sha2-512", h::sha512, 64, 64, false},
    {"hmac-sha1", h::sha1, 20, 20, false},
    {"hmac-sha2-256-96", h::sha256, 32, 12, false},
    {"hmac-sha2-512-96", h::sha512, 64, 12, false},
    {"hmac-sha1-96", h::sha1, 20, 12, false},
    {"hmac-md5", h::md5, 16, 16, false},
    {"hmac-md5-96", h::md5, 16, 12, false},
    {"hmac-ripemd160", h::ripemd160, 20, 20, false},
    {"hmac-ripemd160@openssh.com", h::ripemd160, 20, 20, false},
}};

}  // namespace

std::span<const cipher_spec> cipher_specs() noexcept { return ciphers; }
std::span<const mac_spec> mac_specs() noexcept { return macs; }

const cipher_spec* find_cipher_spec(std::string_view ssh_name) noexcept {
  for (const auto& c : ciphers) {
    if (c.ssh_name == ssh_name) return &c;
  }
  return nullptr;
}

const mac_spec* find_mac_spec(std::string_view ssh_name) noexcept {
  for (const auto& m : macs) {
    if (m.ssh_name == ssh_name) return &m;
  }
  return nullptr;
}

}  // namespace sshlib::crypto
