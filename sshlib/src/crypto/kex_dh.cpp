#include "crypto/kex_dh.hpp"

#include "crypto/kex_agreement.hpp"
#include "crypto/openssl_error.hpp"

#include <openssl/core_names.h>

#include <string>

namespace sshlib::crypto {
namespace {

bytes magnitude(const BIGNUM* bn) {
  bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  return out;
}

bignum_ptr to_bn(byte_view b) {
  return bignum_ptr(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
}

// 1 < v < p - 1, the range RFC 4253 section 8 requires of g, e and f.
bool strictly_inside(const BIGNUM* v, const BIGNUM* p) {
  bignum_ptr p_minus_1(BN_dup(p));
  return p_minus_1 && BN_sub_word(p_minus_1.get(), 1) == 1 && BN_cmp(v, BN_value_one()) > 0 &&
         BN_cmp(v, p_minus_1.get()) < 0;
}

result<evp_pkey_ptr> dh_key_from(const bytes& p, const bytes& g, const BIGNUM* pub, std::size_t priv_bits) {
  bignum_ptr bp = to_bn(p), bg = to_bn(g);
  param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bp || !bg || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, bp.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, bg.get()) != 1 ||
      (pub != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub) != 1) ||
      (priv_bits != 0 && OSSL_PARAM_BLD_push_long(bld.get(), OSSL_PKEY_PARAM_DH_PRIV_LEN,
                                                  static_cast<long>(priv_bits)) != 1)) {
    return openssl_failure("DH parameters");
  }
  params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* raw = nullptr;
  const int selection = pub != nullptr ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEY_PARAMETERS;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return openssl_failure("DH key import");
  }
  return evp_pkey_ptr(raw);
}

}  // namespace

result<dh_group> dh_group::named(dh_named_group group) {
  // OpenSSL carries the RFC 2409 and RFC 3526 primes; all these groups use generator 2.
  bignum_ptr p;
  switch (group) {
    case dh_named_group::group1: p.reset(BN_get_rfc2409_prime_1024(nullptr)); break;
    case dh_named_group::group14: p.reset(BN_get_rfc3526_prime_2048(nullptr)); break;
    case dh_named_group::group15: p.reset(BN_get_rfc3526_prime_3072(nullptr)); break;
    case dh_named_group::group16: p.reset(BN_get_rfc3526_prime_4096(nullptr)); break;
    case dh_named_group::group17: p.reset(BN_get_rfc3526_prime_6144(nullptr)); break;
    case dh_named_group::group18: p.reset(BN_get_rfc3526_prime_8192(nullptr)); break;
  }
  if (!p) return openssl_failure("DH named group");
  dh_group g;
  g.p_ = magnitude(p.get());
  g.g_ = {2};
  g.bits_ = static_cast<std::size_t>(BN_num_bits(p.get()));
  return g;
}

result<dh_group> dh_group::from_gex(byte_view p, byte_view g, std::size_t min_bits, std::size_t max_bits) {
  if (min_bits < dh_gex_min_bits || min_bits > max_bits || max_bits > dh_gex_max_bits) {
    return error{errc::invalid_value, "DH group exchange bounds " + std::to_string(min_bits) + ".." +
                                          std::to_string(max_bits) + " outside 2048..8192"};
  }
  // Cap the sizes before converting: nothing longer than the largest modulus is meaningful.
  if (p.size() > dh_gex_max_bits / 8 + 1 || g.size() > p.size()) {
    return error{errc::invalid_value, "DH group exchange modulus or generator too long"};
  }
  bignum_ptr bp = to_bn(p), bg = to_bn(g);
  if (!bp || !bg) return openssl_failure("DH group exchange parameters");
  const auto bits = static_cast<std::size_t>(BN_num_bits(bp.get()));
  if (bits < min_bits || bits > max_bits) {
    return error{errc::invalid_value, "DH group exchange modulus of " + std::to_string(bits) +
                                          " bits, asked for " + std::to_string(min_bits) + ".." +
                                          std::to_string(max_bits)};
  }
  if (!BN_is_odd(bp.get())) return error{errc::invalid_value, "DH group exchange modulus is even"};
  if (!strictly_inside(bg.get(), bp.get())) {
    return error{errc::invalid_value, "DH group exchange generator not in (1, p-1)"};
  }
  dh_group out;
  out.p_ = magnitude(bp.get());
  out.g_ = magnitude(bg.get());
  out.bits_ = bits;
  return out;
}

result<dh_exchange> dh_exchange::generate(const dh_group& group, std::size_t private_bits) {
  if (private_bits < 160 || private_bits >= group.bits()) {
    return error{errc::invalid_value, "DH private exponent of " + std::to_string(private_bits) +
                                          " bits for a " + std::to_string(group.bits()) + "-bit group"};
  }
  auto domain = dh_key_from(group.p(), group.g(), nullptr, private_bits);
  if (!domain) return std::move(domain).error();
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, domain->get(), nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return openssl_failure("DH key generation");
  }
  dh_exchange x;
  x.key_.reset(raw);
  BIGNUM* pub = nullptr;
  if (EVP_PKEY_get_bn_param(raw, OSSL_PKEY_PARAM_PUB_KEY, &pub) != 1) {
    return openssl_failure("DH public value");
  }
  bignum_ptr owned(pub);
  x.public_ = magnitude(pub);
  x.p_ = group.p();
  return x;
}

result<secure_bytes> dh_exchange::derive(byte_view peer_public) const {
  // Longer than p cannot be in range; refuse before converting.
  if (peer_public.size() > p_.size() + 1) {
    return error{errc::invalid_public_value, "DH public value longer than the modulus"};
  }
  bignum_ptr f = to_bn(peer_public), p = to_bn(p_);
  if (!f || !p) return openssl_failure("DH peer value");
  if (!strictly_inside(f.get(), p.get())) {
    return error{errc::invalid_public_value, "DH public value not in (1, p-1)"};
  }
  BIGNUM* g_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_FFC_G, &g_raw) != 1) {
    return openssl_failure("DH generator");
  }
  bignum_ptr g(g_raw);
  auto peer = dh_key_from(p_, magnitude(g.get()), f.get(), 0);
  if (!peer) return std::move(peer).error();
  auto secret = detail::derive_shared_secret(key_.get(), peer->get(), "DH");
  if (!secret) return secret;
  // OpenSSL leaves the secret unpadded, but strip defensively: K is an integer.
  std::size_t lead = 0;
  while (lead < secret->size() && (*secret)[lead] == 0) ++lead;
  secret->erase(secret->begin(), secret->begin() + static_cast<std::ptrdiff_t>(lead));
  return secret;
}

}  // namespace sshlib::crypto
