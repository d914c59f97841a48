#include "crypto/kex_ecdh.hpp"

#include "crypto/kex_agreement.hpp"
#include "crypto/openssl_error.hpp"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <string>

namespace sshlib::crypto {
namespace {

int curve_nid(ecdh_curve c) noexcept {
  switch (c) {
    case ecdh_curve::nistp256: return NID_X9_62_prime256v1;
    case ecdh_curve::nistp384: return NID_secp384r1;
    case ecdh_curve::nistp521: return NID_secp521r1;
  }
  return NID_undef;
}

result<bytes> encoded_public(EVP_PKEY* key) {
  bytes out(1 + 2 * 66);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(),
                                      out.size(), &len) != 1) {
    return openssl_failure("EC public point");
  }
  out.resize(len);
  return out;
}

// Builds an EVP_PKEY of `curve` from a public point and, optionally, a private scalar.
result<evp_pkey_ptr> ec_key_from(ecdh_curve curve, byte_view point, const BIGNUM* priv) {
  param_bld_ptr bld(OSSL_PARAM_BLD_new());
  const std::string group(ecdh_group_name(curve));
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (priv != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)) {
    return openssl_failure("EC key parameters");
  }
  params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    // Decoding the point checks that it lies on the curve, so this is the peer's fault.
    return openssl_failure(group + " point not on the curve", errc::invalid_public_value);
  }
  return evp_pkey_ptr(raw);
}

}  // namespace

std::size_t ecdh_field_size(ecdh_curve curve) noexcept {
  switch (curve) {
    case ecdh_curve::nistp256: return 32;
    case ecdh_curve::nistp384: return 48;
    case ecdh_curve::nistp521: return 66;
  }
  return 0;
}

std::string_view ecdh_group_name(ecdh_curve curve) noexcept {
  switch (curve) {
    case ecdh_curve::nistp256: return "P-256";
    case ecdh_curve::nistp384: return "P-384";
    case ecdh_curve::nistp521: return "P-521";
  }
  return "";
}

result<ecdh_exchange> ecdh_exchange::generate(ecdh_curve curve) {
  ecdh_exchange x;
  x.curve_ = curve;
  x.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(ecdh_group_name(curve)).c_str()));
  if (!x.key_) return openssl_failure("EC key generation");
  auto pub = encoded_public(x.key_.get());
  if (!pub) return std::move(pub).error();
  x.public_ = std::move(*pub);
  return x;
}

result<ecdh_exchange> ecdh_exchange::from_private(ecdh_curve curve, byte_view scalar) {
  if (scalar.size() != ecdh_field_size(curve)) {
    return error{errc::invalid_key_length, std::string(ecdh_group_name(curve)) + " scalar of " +
                                               std::to_string(scalar.size()) + " bytes"};
  }
  ec_group_ptr group(EC_GROUP_new_by_curve_name(curve_nid(curve)));
  bignum_ptr d(BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), nullptr));
  bn_ctx_ptr bn_ctx(BN_CTX_new());
  if (!group || !d || !bn_ctx) return openssl_failure("EC group");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return error{errc::invalid_value, "EC private scalar outside [1, n-1]"};
  }
  // OpenSSL does not derive the public point on import, so compute Q = d*G here.
  ec_point_ptr q(EC_POINT_new(group.get()));
  bytes point(1 + 2 * ecdh_field_size(curve));
  if (!q || EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, point.data(),
                         point.size(), bn_ctx.get()) != point.size()) {
    return openssl_failure("EC public point from scalar");
  }
  auto key = ec_key_from(curve, point, d.get());
  if (!key) return std::move(key).error();
  ecdh_exchange x;
  x.curve_ = curve;
  x.key_ = std::move(*key);
  x.public_ = std::move(point);
  return x;
}

result<secure_bytes> ecdh_exchange::derive(byte_view peer_point) const {
  const std::size_t field = ecdh_field_size(curve_);
  const std::string name(ecdh_group_name(curve_));
  // Only the uncompressed form is valid in SSH; this also rejects the one-byte encoding of
  // the point at infinity before OpenSSL sees it.
  if (peer_point.size() != 1 + 2 * field || peer_point[0] != 0x04) {
    return error{errc::invalid_public_value,
                 name + ": peer point is not a " + std::to_string(1 + 2 * field) +
                     "-byte uncompressed SEC1 point"};
  }
  auto peer = ec_key_from(curve_, peer_point, nullptr);
  if (!peer) return std::move(peer).error();
  auto secret = detail::derive_shared_secret(key_.get(), peer->get(), "ECDH " + name);
  if (secret && secret->size() != field) {
    return error{errc::crypto_failure, name + ": shared secret of unexpected size"};
  }
  return secret;
}

}  // namespace sshlib::crypto
