#include "crypto/kex_agreement.hpp"

#include "crypto/openssl_error.hpp"

#include <string>

namespace sshlib::crypto::detail {

result<secure_bytes> derive_shared_secret(EVP_PKEY* ours, EVP_PKEY* peer, std::string_view what) {
  const std::string name(what);
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return openssl_failure(name + ": derive init");
  // validate_peer = 1 runs OpenSSL's public-key check on top of the checks our callers made.
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 1) != 1) {
    return openssl_failure(name + ": peer public value rejected", errc::invalid_public_value);
  }
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) return openssl_failure(name + ": derive size");
  secure_bytes secret(len);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) {
    // X25519 refuses an all-zero result here; other failures also come from the peer value.
    return openssl_failure(name + ": derive failed for this peer value", errc::invalid_public_value);
  }
  secret.resize(len);
  return secret;
}

}  // namespace sshlib::crypto::detail
