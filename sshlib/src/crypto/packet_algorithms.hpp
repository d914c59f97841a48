// The SSH names of the packet ciphers and MACs we implement, with the key, IV, block and
// MAC sizes the transport needs to negotiate them and to derive keys (RFC 4253 section 7.2).
#pragma once

#include "crypto/hmac.hpp"

#include <span>
#include <string_view>

namespace sshlib::crypto {

// block: an EVP cipher plus a MAC; stream ciphers (aes*-ctr, arcfour*) are this kind too.
enum class packet_cipher_kind { block, aes_gcm, chacha20_poly1305 };

// Where OpenSSL keeps the primitive: RC4, Blowfish and CAST5 are only in its legacy
// provider, which we load into a library context of our own (crypto/legacy_provider.hpp).
enum class cipher_provider { standard, legacy };

struct cipher_spec {
  std::string_view ssh_name;      // "aes128-ctr", "chacha20-poly1305@openssh.com", ...
  std::string_view openssl_name;  // for the block kind only
  packet_cipher_kind kind;
  std::size_t key_length;
  std::size_t iv_length;
  std::size_t block_size;  // padding granularity (RFC 4253 section 6: at least 8)
  std::size_t tag_length;  // AEAD tag; 0 for the block kind, which needs a MAC
  cipher_provider provider;
  std::size_t keystream_discard;  // keystream bytes dropped after keying (RFC 4345: 1536)
};

struct mac_spec {
  std::string_view ssh_name;  // "hmac-sha2-256", "hmac-sha1-96-etm@openssh.com", ...
  hmac_algorithm algorithm;
  std::size_t key_length;
  std::size_t mac_length;  // after truncation
  bool encrypt_then_mac;   // OpenSSH PROTOCOL section 1.5
};

/// Every cipher we implement, strongest first (a sensible default preference order),
/// including the legacy ones whether or not cipher_available() says they can be built here.
std::span<const cipher_spec> cipher_specs() noexcept;
/// Every MAC we implement, etm first.
std::span<const mac_spec> mac_specs() noexcept;
/// True unless the cipher needs OpenSSL's legacy provider and that provider (or this
/// cipher in it) cannot be loaded here. Decided once per process.
bool cipher_available(const cipher_spec& spec) noexcept;
/// The entry for an SSH name, or nullptr: also for a cipher that is not available here.
const cipher_spec* find_cipher_spec(std::string_view ssh_name) noexcept;
/// The entry for an SSH name, available here or not (to tell "unknown" from "unavailable").
const cipher_spec* find_listed_cipher_spec(std::string_view ssh_name) noexcept;
const mac_spec* find_mac_spec(std::string_view ssh_name) noexcept;

}  // namespace sshlib::crypto
