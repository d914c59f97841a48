#include "keys/private_fields.hpp"

#include "keys/certificate_codec.hpp"
#include "keys/key_limits.hpp"
#include "keys/pkey_build.hpp"
#include "keys/wire_errors.hpp"

#include <openssl/core_names.h>

#include <algorithm>
#include <string>

namespace sshlib::keys {
namespace {

// `pub` is the public half already known from a certificate (null for a plain key, whose
// public fields come first in the private section).
result<crypto::evp_pkey_ptr> read_key(const type_info& t, const EVP_PKEY* pub, wire::reader& r) {
  const std::string what = std::string(t.name) + " private key";
  switch (t.kind) {
    case key_type::ed25519: {
      byte_view pk, sk;
      if (!r.read_string(pk, 32) || !r.read_string(sk, 64)) return read_failure(r, what + ": pk and sk");
      if (sk.size() != 64) return error{errc::invalid_key_format, what + ": sk is not 64 bytes"};
      // sk is seed || pk; both copies of pk must agree, and with the certificate if any.
      if (!std::equal(pk.begin(), pk.end(), sk.begin() + 32, sk.end()) ||
          (pub != nullptr && ed25519_public(pub) != bytes(pk.begin(), pk.end()))) {
        return error{errc::key_mismatch, what + ": embedded public keys disagree"};
      }
      return build_ed25519(pk, sk.first(32));
    }
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521: {
      bytes point;
      if (pub == nullptr) {
        std::string_view curve;
        byte_view q;
        if (!r.read_string(curve, limits::max_name_length) || !r.read_string(q, 1 + 2 * t.field_bytes)) {
          return read_failure(r, what + ": curve and point");
        }
        if (curve != t.curve_id) return error{errc::invalid_key_format, what + ": curve does not match the key type"};
        point.assign(q.begin(), q.end());
      } else {
        point = ecdsa_point(pub);
      }
      byte_view d;
      if (!r.read_unsigned_mpint(d, t.field_bytes + 1)) return read_failure(r, what + ": private scalar");
      return build_ecdsa(t, point, d);
    }
    case key_type::rsa: {
      rsa_fields f;
      secure_bytes n, e;
      if (pub == nullptr) {
        if (!r.read_unsigned_mpint(f.n) || !r.read_unsigned_mpint(f.e)) return read_failure(r, what + ": n, e");
      } else {
        n = get_bn(pub, OSSL_PKEY_PARAM_RSA_N);
        e = get_bn(pub, OSSL_PKEY_PARAM_RSA_E);
        f.n = n;
        f.e = e;
      }
      if (!r.read_unsigned_mpint(f.d) || !r.read_unsigned_mpint(f.iqmp) || !r.read_unsigned_mpint(f.p) ||
          !r.read_unsigned_mpint(f.q)) {
        return read_failure(r, what + ": d, iqmp, p, q");
      }
      return build_rsa(f);
    }
    case key_type::dsa: {
      dsa_fields f;
      secure_bytes p, q, g, y;
      if (pub == nullptr) {
        if (!r.read_unsigned_mpint(f.p) || !r.read_unsigned_mpint(f.q) || !r.read_unsigned_mpint(f.g) ||
            !r.read_unsigned_mpint(f.y)) {
          return read_failure(r, what + ": p, q, g, y");
        }
      } else {
        p = get_bn(pub, OSSL_PKEY_PARAM_FFC_P);
        q = get_bn(pub, OSSL_PKEY_PARAM_FFC_Q);
        g = get_bn(pub, OSSL_PKEY_PARAM_FFC_G);
        y = get_bn(pub, OSSL_PKEY_PARAM_PUB_KEY);
        f.p = p, f.q = q, f.g = g, f.y = y;
      }
      if (!r.read_unsigned_mpint(f.x)) return read_failure(r, what + ": x");
      if (f.x.empty()) return error{errc::invalid_key_format, what + ": x is zero"};
      return build_dsa(f);
    }
  }
  return error{errc::unsupported_key_type, what};
}

}  // namespace

result<key_impl> read_private_fields(std::string_view type_name, wire::reader& r) {
  bool is_cert = false;
  const type_info* t = find_type(type_name, is_cert);
  if (t == nullptr) {
    return error{errc::unsupported_key_type, "private key of type \"" + std::string(type_name) + "\""};
  }
  key_impl k;
  k.type = t;
  if (is_cert) {
    byte_view cert_blob;
    if (!r.read_string(cert_blob, limits::max_public_blob)) return read_failure(r, "private key: certificate");
    auto cert = parse_certificate(*t, cert_blob);
    if (!cert) return std::move(cert).error();
    bool blob_is_cert = false;
    wire::reader name_reader(cert_blob);
    std::string_view blob_type;
    if (!name_reader.read_string(blob_type, limits::max_name_length) ||
        find_type(blob_type, blob_is_cert) != t || !blob_is_cert) {
      return error{errc::invalid_key_format, "private key: certificate type differs from the key type"};
    }
    k = std::move(*cert);
  }
  auto pkey = read_key(*t, k.pkey.get(), r);
  if (!pkey) return std::move(pkey).error();
  k.pkey = std::move(*pkey);
  k.has_private = true;
  return k;
}

void write_private_fields(wire::secure_writer& w, const key_impl& k) {
  const type_info& t = *k.type;
  const EVP_PKEY* pk = k.pkey.get();
  const bool cert = k.cert.has_value();
  w.write_string(cert ? t.cert_name : t.name);
  if (cert) w.write_string(k.cert_blob);
  switch (t.kind) {
    case key_type::ed25519: {
      const bytes pub = ed25519_public(pk);
      secure_bytes sk = ed25519_seed(pk);
      sk.insert(sk.end(), pub.begin(), pub.end());
      w.write_string(pub);
      w.write_string(sk);
      return;
    }
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521:
      if (!cert) {
        w.write_string(t.curve_id);
        w.write_string(ecdsa_point(pk));
      }
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_PRIV_KEY));
      return;
    case key_type::rsa:
      if (!cert) {
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_N));
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_E));
      }
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_D));
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_FACTOR1));
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_RSA_FACTOR2));
      return;
    case key_type::dsa:
      if (!cert) {
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_FFC_P));
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_FFC_Q));
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_FFC_G));
        w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_PUB_KEY));
      }
      w.write_unsigned_mpint(get_bn(pk, OSSL_PKEY_PARAM_PRIV_KEY));
      return;
  }
}

}  // namespace sshlib::keys
