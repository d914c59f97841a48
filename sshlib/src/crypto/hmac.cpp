#include "crypto/hmac.hpp"

#include "crypto/openssl_error.hpp"

#include <openssl/core_names.h>

#include <string>

namespace sshlib::crypto {
namespace {

// Fetching is costly, so the HMAC implementation is fetched once per process.
const EVP_MAC* evp_hmac() {
  static const evp_mac_ptr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return mac.get();
}

}  // namespace

std::size_t hmac_size(hmac_algorithm alg) noexcept {
  switch (alg) {
    case hmac_algorithm::md5: return 16;
    case hmac_algorithm::sha1: return 20;
    case hmac_algorithm::sha256: return 32;
    case hmac_algorithm::sha512: return 64;
    case hmac_algorithm::ripemd160: return 20;
  }
  return 0;
}

std::string_view hmac_digest_name(hmac_algorithm alg) noexcept {
  switch (alg) {
    case hmac_algorithm::md5: return "MD5";
    case hmac_algorithm::sha1: return "SHA1";
    case hmac_algorithm::sha256: return "SHA256";
    case hmac_algorithm::sha512: return "SHA512";
    case hmac_algorithm::ripemd160: return "RIPEMD160";
  }
  return "";
}

result<hmac_context> hmac_context::create(hmac_algorithm alg, byte_view key) {
  std::string digest(hmac_digest_name(alg));
  // Probe the digest first so that a missing one is reported as unavailable rather than
  // as a generic failure of EVP_MAC_init.
  if (evp_md_ptr md(EVP_MD_fetch(nullptr, digest.c_str(), nullptr)); !md) {
    return openssl_failure("HMAC digest " + digest, errc::algorithm_unavailable);
  }
  const EVP_MAC* mac = evp_hmac();
  if (mac == nullptr) return openssl_failure("EVP_MAC_fetch HMAC", errc::algorithm_unavailable);
  hmac_context c;
  c.alg_ = alg;
  c.ctx_.reset(EVP_MAC_CTX_new(const_cast<EVP_MAC*>(mac)));
  if (!c.ctx_) return openssl_failure("EVP_MAC_CTX_new");
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_end()};
  // OpenSSL treats a null key as "keep the previous key"; an empty key must still be a key.
  static const std::uint8_t empty_key = 0;
  const std::uint8_t* key_ptr = key.empty() ? &empty_key : key.data();
  if (EVP_MAC_init(c.ctx_.get(), key_ptr, key.size(), params) != 1) {
    return openssl_failure("EVP_MAC_init HMAC-" + digest);
  }
  return c;
}

result<void> hmac_context::restart_if_needed() {
  if (!dirty_) return {};
  // A null key restarts the MAC under the key already set, skipping the key schedule.
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) return openssl_failure("EVP_MAC_init");
  dirty_ = false;
  return {};
}

result<void> hmac_context::update(byte_view data) {
  if (auto r = restart_if_needed(); !r) return r;
  if (!data.empty() && EVP_MAC_update(ctx_.get(), data.data(), data.size()) != 1) {
    return openssl_failure("EVP_MAC_update");
  }
  return {};
}

result<void> hmac_context::finish(mutable_byte_view out) {
  if (out.empty() || out.size() > size()) {
    return error{errc::invalid_value, "HMAC output of " + std::to_string(out.size()) +
                                          " bytes requested from a " + std::to_string(size()) +
                                          "-byte MAC"};
  }
  if (auto r = restart_if_needed(); !r) return r;
  std::uint8_t full[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  dirty_ = true;
  if (EVP_MAC_final(ctx_.get(), full, &len, sizeof full) != 1 || len != size()) {
    return openssl_failure("EVP_MAC_final");
  }
  std::copy_n(full, out.size(), out.begin());
  secure_wipe(full, sizeof full);
  return {};
}

result<bytes> hmac_context::finish(std::size_t length) {
  bytes out(length == 0 ? size() : length);
  if (auto r = finish(mutable_byte_view(out)); !r) return r.error();
  return out;
}

result<bytes> hmac(hmac_algorithm alg, byte_view key, byte_view data, std::size_t length) {
  auto ctx = hmac_context::create(alg, key);
  if (!ctx) return std::move(ctx).error();
  if (auto r = ctx->update(data); !r) return r.error();
  return ctx->finish(length);
}

}  // namespace sshlib::crypto
