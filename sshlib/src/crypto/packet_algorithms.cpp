#include "crypto/packet_algorithms.hpp"

#include "crypto/legacy_provider.hpp"
#include "crypto/openssl_error.hpp"
#include "crypto/openssl_ptr.hpp"

#include <array>
#include <string>

namespace sshlib::crypto {
namespace {

using k = packet_cipher_kind;
using p = cipher_provider;
// RFC 4345 section 4: arcfour128 and arcfour256 discard the first 1536 bytes of keystream;
// RFC 4253's plain arcfour does not.
constexpr std::size_t rc4_discard = 1536;
constexpr std::array<cipher_spec, 17> ciphers{{
    {"chacha20-poly1305@openssh.com", "", k::chacha20_poly1305, 64, 0, 8, 16, p::standard, 0},
    {"aes256-gcm@openssh.com", "", k::aes_gcm, 32, 12, 16, 16, p::standard, 0},
    {"aes128-gcm@openssh.com", "", k::aes_gcm, 16, 12, 16, 16, p::standard, 0},
    // RFC 5647's names; like the seed we run them as the @openssh.com forms (the MAC name is
    // ignored for an AEAD, as OpenSSH does, rather than RFC 5647's matching AEAD MAC rule).
    {"aes256-gcm", "", k::aes_gcm, 32, 12, 16, 16, p::standard, 0},
    {"aes128-gcm", "", k::aes_gcm, 16, 12, 16, 16, p::standard, 0},
    {"aes256-ctr", "AES-256-CTR", k::block, 32, 16, 16, 0, p::standard, 0},
    {"aes192-ctr", "AES-192-CTR", k::block, 24, 16, 16, 0, p::standard, 0},
    {"aes128-ctr", "AES-128-CTR", k::block, 16, 16, 16, 0, p::standard, 0},
    {"aes256-cbc", "AES-256-CBC", k::block, 32, 16, 16, 0, p::standard, 0},
    {"aes192-cbc", "AES-192-CBC", k::block, 24, 16, 16, 0, p::standard, 0},
    {"aes128-cbc", "AES-128-CBC", k::block, 16, 16, 16, 0, p::standard, 0},
    {"3des-cbc", "DES-EDE3-CBC", k::block, 24, 8, 8, 0, p::standard, 0},
    // RC4 is a stream cipher (EVP block size 1) with no IV; SSH still pads its packets to
    // 8 bytes, as OpenSSH's cipher table does. Key sizes: RFC 4253 section 6.3 (arcfour,
    // 128 bits) and RFC 4345 section 4.
    {"arcfour256", "RC4", k::block, 32, 0, 8, 0, p::legacy, rc4_discard},
    {"arcfour128", "RC4", k::block, 16, 0, 8, 0, p::legacy, rc4_discard},
    {"arcfour", "RC4", k::block, 16, 0, 8, 0, p::legacy, 0},
    // RFC 4253 section 6.3: 128-bit keys, 64-bit blocks and IVs.
    {"blowfish-cbc", "BF-CBC", k::block, 16, 8, 8, 0, p::legacy, 0},
    {"cast128-cbc", "CAST5-CBC", k::block, 16, 8, 8, 0, p::legacy, 0},
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

// A legacy cipher is available when the legacy context loads and the cipher can be fetched
// from it (a provider may be built without one of them).
bool fetchable_from_legacy(const cipher_spec& c) noexcept {
  OSSL_LIB_CTX* library = legacy_library_context();
  if (library == nullptr) return false;
  const std::string name(c.openssl_name);
  const evp_cipher_ptr cipher(EVP_CIPHER_fetch(library, name.c_str(), nullptr));
  if (!cipher) drain_openssl_errors("");
  return cipher != nullptr;
}

}  // namespace

std::span<const cipher_spec> cipher_specs() noexcept { return ciphers; }
std::span<const mac_spec> mac_specs() noexcept { return macs; }

bool cipher_available(const cipher_spec& spec) noexcept {
  if (spec.provider == cipher_provider::standard) return true;
  // Decided once (thread-safe static initialisation): fetching is not free, and the
  // transport asks for every name of every KEXINIT.
  static const std::array<bool, ciphers.size()> available = [] {
    std::array<bool, ciphers.size()> a{};
    for (std::size_t i = 0; i < ciphers.size(); ++i) {
      a[i] = ciphers[i].provider == cipher_provider::standard || fetchable_from_legacy(ciphers[i]);
    }
    return a;
  }();
  for (std::size_t i = 0; i < ciphers.size(); ++i) {
    if (ciphers[i].ssh_name == spec.ssh_name) return available[i];
  }
  return false;
}

const cipher_spec* find_listed_cipher_spec(std::string_view ssh_name) noexcept {
  for (const auto& c : ciphers) {
    if (c.ssh_name == ssh_name) return &c;
  }
  return nullptr;
}

const cipher_spec* find_cipher_spec(std::string_view ssh_name) noexcept {
  const cipher_spec* c = find_listed_cipher_spec(ssh_name);
  return c != nullptr && cipher_available(*c) ? c : nullptr;
}

const mac_spec* find_mac_spec(std::string_view ssh_name) noexcept {
  for (const auto& m : macs) {
    if (m.ssh_name == ssh_name) return &m;
  }
  return nullptr;
}

}  // namespace sshlib::crypto
