#include "keys/pem.hpp"

#include "crypto/openssl_error.hpp"
#include "keys/armor.hpp"
#include "keys/pkcs8_cost.hpp"
#include "keys/pkey_build.hpp"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>

#include <string>

namespace sshlib::keys {
namespace {

using decoder_ctx_ptr = std::unique_ptr<OSSL_DECODER_CTX, crypto::openssl_deleter<OSSL_DECODER_CTX_free>>;
using encoder_ctx_ptr = std::unique_ptr<OSSL_ENCODER_CTX, crypto::openssl_deleter<OSSL_ENCODER_CTX_free>>;

bool is_encrypted_pem(std::string_view text) {
  return text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
         text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

// Maps a decoded key to our type table (nullptr: a type SSH has no name for).
const type_info* classify(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return &info(key_type::ed25519);
  if (EVP_PKEY_is_a(pkey, "RSA")) return &info(key_type::rsa);
  if (EVP_PKEY_is_a(pkey, "DSA")) return &info(key_type::dsa);
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) != 1) return nullptr;
    const std::string_view g(group, len);
    if (g == "prime256v1" || g == "P-256") return &info(key_type::ecdsa_p256);
    if (g == "secp384r1" || g == "P-384") return &info(key_type::ecdsa_p384);
    if (g == "secp521r1" || g == "P-521") return &info(key_type::ecdsa_p521);
  }
  return nullptr;
}

// Rebuilds the decoded key through our builders: same limits, same pairwise checks.
result<crypto::evp_pkey_ptr> rebuild(const type_info& t, const EVP_PKEY* src, bool& has_private) {
  switch (t.kind) {
    case key_type::ed25519: {
      const secure_bytes seed = ed25519_seed(src);
      has_private = !seed.empty();
      return build_ed25519(ed25519_public(src), seed);
    }
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521: {
      const secure_bytes d = get_bn(src, OSSL_PKEY_PARAM_PRIV_KEY);
      has_private = !d.empty();
      return build_ecdsa(t, ecdsa_point(src), d);
    }
    case key_type::rsa: {
      const secure_bytes n = get_bn(src, OSSL_PKEY_PARAM_RSA_N), e = get_bn(src, OSSL_PKEY_PARAM_RSA_E),
                         d = get_bn(src, OSSL_PKEY_PARAM_RSA_D), p = get_bn(src, OSSL_PKEY_PARAM_RSA_FACTOR1),
                         q = get_bn(src, OSSL_PKEY_PARAM_RSA_FACTOR2),
                         iqmp = get_bn(src, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      has_private = !d.empty();
      if (has_private && (p.empty() || q.empty() || iqmp.empty())) {
        return error{errc::unsupported_key_type, "RSA private key without CRT factors"};
      }
      return build_rsa({n, e, d, iqmp, p, q});
    }
    case key_type::dsa: {
      const secure_bytes p = get_bn(src, OSSL_PKEY_PARAM_FFC_P), q = get_bn(src, OSSL_PKEY_PARAM_FFC_Q),
                         g = get_bn(src, OSSL_PKEY_PARAM_FFC_G), y = get_bn(src, OSSL_PKEY_PARAM_PUB_KEY),
                         x = get_bn(src, OSSL_PKEY_PARAM_PRIV_KEY);
      has_private = !x.empty();
      return build_dsa({p, q, g, y, x});
    }
  }
  return error{errc::unsupported_key_type, "PEM key"};
}

}  // namespace

result<key_impl> parse_pem(std::string_view text, const secret_string& passphrase,
                           const key_parse_options& options) {
  const bool encrypted = is_encrypted_pem(text);
  if (encrypted && passphrase.empty()) {
    return error{errc::passphrase_required, "PEM private key is encrypted"};
  }
  if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos) {
    auto der = decode_armor(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----END ENCRYPTED PRIVATE KEY-----",
                            "encrypted PKCS#8 key");
    if (!der) return std::move(der).error();
    if (auto c = check_pkcs8_cost(*der, options.max_pbkdf2_iterations); !c) return c.error();
  }
  EVP_PKEY* raw = nullptr;
  decoder_ctx_ptr dctx(OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, 0, nullptr, nullptr));
  if (!dctx) return crypto::openssl_failure("OSSL_DECODER_CTX_new_for_pkey");
  // Always set a passphrase (possibly empty) so OpenSSL never falls back to prompting.
  static const unsigned char no_passphrase = 0;
  const unsigned char* pw = passphrase.empty() ? &no_passphrase : passphrase.as_bytes().data();
  if (OSSL_DECODER_CTX_set_passphrase(dctx.get(), pw, passphrase.size()) != 1) {
    return crypto::openssl_failure("OSSL_DECODER_CTX_set_passphrase");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t in_len = text.size();
  if (OSSL_DECODER_from_data(dctx.get(), &in, &in_len) != 1 || raw == nullptr) {
    crypto::drain_openssl_errors("");
    if (raw != nullptr) EVP_PKEY_free(raw);
    if (encrypted) return error{errc::wrong_passphrase, "PEM private key could not be decrypted"};
    return error{errc::invalid_key_format, "PEM: not a key OpenSSL can decode (corrupted or unsupported)"};
  }
  const crypto::evp_pkey_ptr decoded(raw);
  const type_info* t = classify(decoded.get());
  if (t == nullptr) {
    return error{errc::unsupported_key_type, std::string("PEM key of type ") + EVP_PKEY_get0_type_name(decoded.get())};
  }
  key_impl k;
  k.type = t;
  auto pkey = rebuild(*t, decoded.get(), k.has_private);
  if (!pkey) return std::move(pkey).error();
  k.pkey = std::move(*pkey);
  return k;
}

namespace {

result<secure_bytes> encode(const EVP_PKEY* pkey, int selection, const char* structure) {
  encoder_ctx_ptr ctx(OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "PEM", structure, nullptr));
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0) {
    return crypto::openssl_failure(std::string("no PEM encoder for ") + structure);
  }
  unsigned char* data = nullptr;
  std::size_t len = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1) return crypto::openssl_failure("PEM encoding");
  secure_bytes out(data, data + len);
  OPENSSL_clear_free(data, len);
  return out;
}

}  // namespace

result<std::string> write_public_pem(const key_impl& k) {
  auto pem = encode(k.pkey.get(), EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo");
  if (!pem) return std::move(pem).error();
  return std::string(pem->begin(), pem->end());
}

result<secret_string> write_private_pem(const key_impl& k, pem_format format) {
  if (!k.has_private) return error{errc::not_a_private_key, "writing a private PEM"};
  const bool traditional = format == pem_format::traditional && k.type->kind != key_type::ed25519;
  auto pem = encode(k.pkey.get(), EVP_PKEY_KEYPAIR | EVP_PKEY_KEY_PARAMETERS,
                    traditional ? "type-specific" : "PrivateKeyInfo");
  if (!pem) return std::move(pem).error();
  return secret_string(as_string_view(*pem));
}

}  // namespace sshlib::keys
