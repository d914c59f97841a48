#include "crypto/kex_x25519.hpp"

#include "crypto/kex_agreement.hpp"
#include "crypto/openssl_error.hpp"

#include <string>

namespace sshlib::crypto {
namespace {

result<void> read_public(EVP_PKEY* key, std::array<std::uint8_t, x25519_exchange::public_size>& out) {
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != out.size()) {
    return openssl_failure("X25519 public key");
  }
  return {};
}

}  // namespace

result<x25519_exchange> x25519_exchange::generate() {
  x25519_exchange x;
  x.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  if (!x.key_) return openssl_failure("X25519 key generation");
  if (auto r = read_public(x.key_.get(), x.public_); !r) return r.error();
  return x;
}

result<x25519_exchange> x25519_exchange::from_private(byte_view private_key) {
  if (private_key.size() != 32) {
    return error{errc::invalid_key_length,
                 "X25519 private key must be 32 bytes, got " + std::to_string(private_key.size())};
  }
  x25519_exchange x;
  x.key_.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, private_key.data(),
                                               private_key.size()));
  if (!x.key_) return openssl_failure("X25519 private key");
  if (auto r = read_public(x.key_.get(), x.public_); !r) return r.error();
  return x;
}

result<secure_bytes> x25519_exchange::derive(byte_view peer_public) const {
  if (peer_public.size() != public_size) {
    return error{errc::invalid_public_value,
                 "X25519 public value must be 32 bytes, got " + std::to_string(peer_public.size())};
  }
  evp_pkey_ptr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer_public.data(),
                                                   peer_public.size()));
  if (!peer) return openssl_failure("X25519 peer value", errc::invalid_public_value);
  auto secret = detail::derive_shared_secret(key_.get(), peer.get(), "X25519");
  if (!secret) return secret;
  // OpenSSL already refuses an all-zero output; check again so the guarantee does not rest
  // on one library's behaviour. OR-accumulate to stay independent of the secret's content.
  std::uint8_t any = 0;
  for (auto b : *secret) any |= b;
  if (secret->size() != secret_size || any == 0) {
    return error{errc::invalid_public_value, "X25519 shared secret is all zero (low-order point)"};
  }
  return secret;
}

}  // namespace sshlib::crypto
