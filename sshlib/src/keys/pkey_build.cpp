#include "keys/pkey_build.hpp"

#include "crypto/openssl_error.hpp"
#include "keys/key_limits.hpp"

#include <openssl/core_names.h>

#include <string>

namespace sshlib::keys {
namespace {

using crypto::bignum_ptr;
using crypto::evp_pkey_ctx_ptr;
using crypto::evp_pkey_ptr;

bignum_ptr to_bn(byte_view be) {
  // BN_secure_new keeps private values out of swappable, unwiped memory where the secure
  // heap is enabled; BN_clear_free (our deleter) wipes them either way.
  bignum_ptr bn(BN_secure_new());
  if (bn && BN_bin2bn(be.data(), static_cast<int>(be.size()), bn.get()) == nullptr) bn.reset();
  return bn;
}

std::size_t bit_length(byte_view be) {
  std::size_t i = 0;
  while (i < be.size() && be[i] == 0) ++i;
  if (i == be.size()) return 0;
  std::size_t bits = (be.size() - i - 1) * 8;
  for (std::uint8_t top = be[i]; top != 0; top >>= 1) ++bits;
  return bits;
}

bool is_zero(byte_view be) { return bit_length(be) == 0; }

result<evp_pkey_ptr> from_params(const char* alg, int selection, OSSL_PARAM_BLD* bld,
                                 std::string_view what) {
  crypto::params_ptr params(OSSL_PARAM_BLD_to_param(bld));
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, alg, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return crypto::openssl_failure(std::string(what) + ": key rejected by OpenSSL",
                                   errc::invalid_key_format);
  }
  return evp_pkey_ptr(raw);
}

// Runs OpenSSL's public-key or key-pair consistency check on a freshly built key.
result<void> check_key(EVP_PKEY* pkey, bool pairwise, std::string_view what) {
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return crypto::openssl_failure("EVP_PKEY_CTX_new_from_pkey");
  const int ok = pairwise ? EVP_PKEY_pairwise_check(ctx.get()) : EVP_PKEY_public_check(ctx.get());
  if (ok != 1) {
    crypto::drain_openssl_errors("");
    if (pairwise) {
      return error{errc::key_mismatch, std::string(what) + ": private key does not match its public key"};
    }
    return error{errc::invalid_key_format, std::string(what) + ": public key fails validation"};
  }
  return {};
}

}  // namespace

result<evp_pkey_ptr> build_ed25519(byte_view public_key, byte_view seed) {
  if (public_key.size() != 32) {
    return error{errc::invalid_key_format,
                 "ssh-ed25519: public key of " + std::to_string(public_key.size()) + " bytes, need 32"};
  }
  if (seed.empty()) {
    evp_pkey_ptr k(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, public_key.data(),
                                                  public_key.size()));
    if (!k) return crypto::openssl_failure("ssh-ed25519 public key", errc::invalid_key_format);
    return k;
  }
  if (seed.size() != 32) {
    return error{errc::invalid_key_format,
                 "ssh-ed25519: private seed of " + std::to_string(seed.size()) + " bytes, need 32"};
  }
  evp_pkey_ptr k(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, seed.data(), seed.size()));
  if (!k) return crypto::openssl_failure("ssh-ed25519 private key", errc::invalid_key_format);
  if (ed25519_public(k.get()) != bytes(public_key.begin(), public_key.end())) {
    return error{errc::key_mismatch, "ssh-ed25519: public key does not belong to the private seed"};
  }
  return k;
}

result<evp_pkey_ptr> build_ecdsa(const type_info& type, byte_view point, byte_view d) {
  // RFC 5656 section 3.1: Q is an uncompressed SEC1 point (0x04 || X || Y).
  const std::string what(type.name);
  if (point.size() != 1 + 2 * type.field_bytes || point[0] != 0x04) {
    return error{errc::invalid_key_format, what + ": public point is not an uncompressed " +
                                               std::string(type.group) + " point"};
  }
  if (!d.empty() && (d.size() > type.field_bytes || is_zero(d))) {
    return error{errc::invalid_key_format, what + ": private scalar out of range"};
  }
  crypto::param_bld_ptr bld(OSSL_PARAM_BLD_new());
  const std::string group(type.group);
  bignum_ptr priv;
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return crypto::openssl_failure(what + ": parameters");
  }
  if (!d.empty()) {
    priv = to_bn(d);
    if (!priv || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1) {
      return crypto::openssl_failure(what + ": private parameter");
    }
  }
  auto k = from_params("EC", d.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR, bld.get(), what);
  if (!k) return std::move(k).error();
  // The public check rejects points off the curve or outside the prime-order subgroup; the
  // pairwise check also proves d * G == Q.
  if (auto c = check_key(k->get(), false, what); !c) return c.error();
  if (!d.empty()) {
    if (auto c = check_key(k->get(), true, what); !c) return c.error();
  }
  return k;
}

result<evp_pkey_ptr> build_rsa(const rsa_fields& f) {
  const std::size_t nbits = bit_length(f.n);
  if (nbits < limits::min_rsa_bits) {
    return error{errc::unsupported_key_type, "ssh-rsa: modulus of " + std::to_string(nbits) +
                                                 " bits is below the " +
                                                 std::to_string(limits::min_rsa_bits) + "-bit minimum"};
  }
  if (nbits > limits::max_rsa_bits) {
    return error{errc::length_exceeds_limit, "ssh-rsa: modulus of " + std::to_string(nbits) + " bits"};
  }
  if (f.e.size() > limits::max_rsa_exponent_bytes || f.e.empty() || (f.e.back() & 1) == 0 ||
      bit_length(f.e) < 2) {
    return error{errc::invalid_key_format, "ssh-rsa: public exponent must be odd, at least 3 and small"};
  }
  const bool priv = !f.d.empty() || !f.p.empty() || !f.q.empty() || !f.iqmp.empty();
  bignum_ptr n = to_bn(f.n), e = to_bn(f.e);
  bignum_ptr d, p, q, iqmp, dmp1, dmq1;
  crypto::bn_ctx_ptr bnctx(BN_CTX_secure_new());
  if (!n || !e || !bnctx) return crypto::openssl_failure("ssh-rsa: bignum");
  if (priv) {
    if (is_zero(f.d) || is_zero(f.p) || is_zero(f.q) || is_zero(f.iqmp)) {
      return error{errc::invalid_key_format, "ssh-rsa: a private component is zero"};
    }
    d = to_bn(f.d), p = to_bn(f.p), q = to_bn(f.q), iqmp = to_bn(f.iqmp);
    dmp1.reset(BN_secure_new());
    dmq1.reset(BN_secure_new());
    bignum_ptr t(BN_secure_new()), pm1(BN_secure_new()), qm1(BN_secure_new());
    if (!d || !p || !q || !iqmp || !dmp1 || !dmq1 || !t || !pm1 || !qm1) {
      return crypto::openssl_failure("ssh-rsa: bignum");
    }
    // Cheap consistency checks instead of OpenSSL's full key check, whose primality tests
    // would let a hostile 16384-bit file burn seconds: n = pq, e*d = 1 mod p-1 and q-1,
    // iqmp * q = 1 mod p. These prove the private half decrypts what the public half encrypts.
    const bool consistent =
        BN_mul(t.get(), p.get(), q.get(), bnctx.get()) == 1 && BN_cmp(t.get(), n.get()) == 0 &&
        BN_sub(pm1.get(), p.get(), BN_value_one()) == 1 && BN_sub(qm1.get(), q.get(), BN_value_one()) == 1 &&
        !BN_is_zero(pm1.get()) && !BN_is_zero(qm1.get()) &&
        BN_mod(dmp1.get(), d.get(), pm1.get(), bnctx.get()) == 1 &&
        BN_mod(dmq1.get(), d.get(), qm1.get(), bnctx.get()) == 1 &&
        BN_mod_mul(t.get(), e.get(), dmp1.get(), pm1.get(), bnctx.get()) == 1 && BN_is_one(t.get()) &&
        BN_mod_mul(t.get(), e.get(), dmq1.get(), qm1.get(), bnctx.get()) == 1 && BN_is_one(t.get()) &&
        BN_mod_mul(t.get(), iqmp.get(), q.get(), p.get(), bnctx.get()) == 1 && BN_is_one(t.get());
    if (!consistent) {
      crypto::drain_openssl_errors("");
      return error{errc::key_mismatch, "ssh-rsa: private components do not match the public key"};
    }
  }
  crypto::param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return crypto::openssl_failure("ssh-rsa: parameters");
  }
  if (priv &&
      (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) != 1 ||
       OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) != 1 ||
       OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) != 1 ||
       OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) != 1 ||
       OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) != 1 ||
       OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp.get()) != 1)) {
    return crypto::openssl_failure("ssh-rsa: private parameters");
  }
  return from_params("RSA", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld.get(), "ssh-rsa");
}

result<evp_pkey_ptr> build_dsa(const dsa_fields& f) {
  const std::size_t pbits = bit_length(f.p);
  const std::size_t qbits = bit_length(f.q);
  if (pbits < limits::min_dsa_bits || pbits > limits::max_dsa_bits) {
    return error{errc::unsupported_key_type, "ssh-dss: modulus of " + std::to_string(pbits) + " bits"};
  }
  if (qbits != 160 && qbits != 224 && qbits != 256) {
    return error{errc::invalid_key_format, "ssh-dss: subgroup order of " + std::to_string(qbits) + " bits"};
  }
  if (is_zero(f.g) || is_zero(f.y) || bit_length(f.g) > pbits || bit_length(f.y) > pbits) {
    return error{errc::invalid_key_format, "ssh-dss: generator or public value out of range"};
  }
  const bool priv = !f.x.empty();
  if (priv && (is_zero(f.x) || bit_length(f.x) > qbits)) {
    return error{errc::invalid_key_format, "ssh-dss: private value out of range"};
  }
  bignum_ptr p = to_bn(f.p), q = to_bn(f.q), g = to_bn(f.g), y = to_bn(f.y);
  bignum_ptr x = priv ? to_bn(f.x) : nullptr;
  crypto::param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld || !p || !q || !g || !y || (priv && !x) ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_Q, q.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, g.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()) != 1 ||
      (priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get()) != 1)) {
    return crypto::openssl_failure("ssh-dss: parameters");
  }
  auto k = from_params("DSA", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld.get(), "ssh-dss");
  if (!k) return std::move(k).error();
  if (priv) {
    if (auto c = check_key(k->get(), true, "ssh-dss"); !c) return c.error();
  }
  return k;
}

secure_bytes get_bn(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
    crypto::drain_openssl_errors("");
    return {};
  }
  bignum_ptr bn(raw);
  secure_bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

bytes ed25519_public(const EVP_PKEY* pkey) {
  bytes out(32);
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(pkey, out.data(), &len) != 1 || len != 32) return {};
  return out;
}

secure_bytes ed25519_seed(const EVP_PKEY* pkey) {
  secure_bytes out(32);
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_private_key(pkey, out.data(), &len) != 1 || len != 32) {
    crypto::drain_openssl_errors("");
    return {};
  }
  return out;
}

bytes ecdsa_point(const EVP_PKEY* pkey) {
  // From the affine coordinates rather than OSSL_PKEY_PARAM_PUB_KEY, whose encoding follows
  // whatever point format the key was loaded with (a PEM file may hold a compressed point).
  const secure_bytes x = get_bn(pkey, OSSL_PKEY_PARAM_EC_PUB_X);
  const secure_bytes y = get_bn(pkey, OSSL_PKEY_PARAM_EC_PUB_Y);
  const int bits = EVP_PKEY_get_bits(pkey);
  const std::size_t field = (static_cast<std::size_t>(bits) + 7) / 8;
  if (x.size() > field || y.size() > field) return {};
  bytes out(1 + 2 * field, 0);
  out[0] = 0x04;
  std::copy(x.begin(), x.end(), out.begin() + static_cast<std::ptrdiff_t>(1 + field - x.size()));
  std::copy(y.begin(), y.end(), out.end() - static_cast<std::ptrdiff_t>(y.size()));
  return out;
}

}  // namespace sshlib::keys
