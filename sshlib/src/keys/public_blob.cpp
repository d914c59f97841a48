#include "keys/public_blob.hpp"

#include "keys/certificate_codec.hpp"
#include "keys/key_limits.hpp"
#include "keys/pkey_build.hpp"
#include "keys/wire_errors.hpp"

#include <openssl/core_names.h>

#include <string>

namespace sshlib::keys {

result<crypto::evp_pkey_ptr> read_public_fields(const type_info& type, wire::reader& r) {
  const std::string what = std::string(type.name) + " public key";
  switch (type.kind) {
    case key_type::ed25519: {
      byte_view pk;
      if (!r.read_string(pk, 32)) return read_failure(r, what + ": 32-byte key");
      return build_ed25519(pk);
    }
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521: {
      std::string_view curve;
      byte_view q;
      if (!r.read_string(curve, limits::max_name_length) || !r.read_string(q, 1 + 2 * type.field_bytes)) {
        return read_failure(r, what + ": curve name and point");
      }
      // RFC 5656 section 3.1: the curve identifier must agree with the key type name.
      if (curve != type.curve_id) {
        return error{errc::invalid_key_format, what + ": curve \"" + std::string(curve) +
                                                   "\" does not match the key type"};
      }
      return build_ecdsa(type, q);
    }
    case key_type::rsa: {
      rsa_fields f;
      if (!r.read_unsigned_mpint(f.e) || !r.read_unsigned_mpint(f.n)) {
        return read_failure(r, what + ": exponent and modulus");
      }
      return build_rsa(f);
    }
    case key_type::dsa: {
      dsa_fields f;
      if (!r.read_unsigned_mpint(f.p) || !r.read_unsigned_mpint(f.q) || !r.read_unsigned_mpint(f.g) ||
          !r.read_unsigned_mpint(f.y)) {
        return read_failure(r, what + ": p, q, g, y");
      }
      return build_dsa(f);
    }
  }
  return error{errc::unsupported_key_type, what};
}

void write_public_fields(wire::writer& w, const type_info& type, const EVP_PKEY* pkey) {
  switch (type.kind) {
    case key_type::ed25519:
      w.write_string(ed25519_public(pkey));
      return;
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521:
      w.write_string(type.curve_id);
      w.write_string(ecdsa_point(pkey));
      return;
    case key_type::rsa:
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_RSA_E));
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_RSA_N));
      return;
    case key_type::dsa:
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_FFC_P));
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_FFC_Q));
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_FFC_G));
      w.write_unsigned_mpint(get_bn(pkey, OSSL_PKEY_PARAM_PUB_KEY));
      return;
  }
}

bytes plain_public_blob(const key_impl& k) {
  bytes out;
  wire::writer w(out);
  w.write_string(k.type->name);
  write_public_fields(w, *k.type, k.pkey.get());
  return out;
}

bytes public_blob(const key_impl& k) { return k.cert ? k.cert_blob : plain_public_blob(k); }

result<key_impl> parse_public_blob(byte_view blob) {
  if (blob.size() > limits::max_public_blob) {
    return error{errc::length_exceeds_limit, "public key blob of " + std::to_string(blob.size()) + " bytes"};
  }
  wire::reader r(blob);
  std::string_view name;
  if (!r.read_string(name, limits::max_name_length)) return read_failure(r, "public key blob: key type");
  bool is_cert = false;
  const type_info* type = find_type(name, is_cert);
  if (type == nullptr) {
    return error{errc::unsupported_key_type, "public key blob: key type \"" + std::string(name) + "\""};
  }
  if (is_cert) return parse_certificate(*type, blob);
  auto pkey = read_public_fields(*type, r);
  if (!pkey) return std::move(pkey).error();
  if (!r.expect_end()) return read_failure(r, "public key blob: bytes after the key");
  key_impl k;
  k.type = type;
  k.pkey = std::move(*pkey);
  return k;
}

}  // namespace sshlib::keys
