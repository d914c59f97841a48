// Conversions between SSH key fields (big-endian integers, raw Ed25519 keys, EC points) and
// OpenSSL EVP_PKEY objects, through OSSL_PARAM (no deprecated per-algorithm structs). Every
// builder validates what it is given: ranges, points on the curve, and for private keys that
// the private half matches the public one.
#pragma once

#include "crypto/openssl_ptr.hpp"
#include "keys/key_types.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

namespace sshlib::keys {

/// Integers are big-endian magnitudes (as wire::reader::read_unsigned_mpint yields them).
struct rsa_fields {
  byte_view n, e;
  byte_view d, iqmp, p, q;  // all empty for a public key
};
struct dsa_fields {
  byte_view p, q, g, y;
  byte_view x;  // empty for a public key
};

result<crypto::evp_pkey_ptr> build_ed25519(byte_view public_key, byte_view seed = {});
result<crypto::evp_pkey_ptr> build_ecdsa(const type_info& type, byte_view point, byte_view d = {});
result<crypto::evp_pkey_ptr> build_rsa(const rsa_fields& f);
result<crypto::evp_pkey_ptr> build_dsa(const dsa_fields& f);

/// A BIGNUM parameter of pkey as a big-endian magnitude (empty for zero or absent).
secure_bytes get_bn(const EVP_PKEY* pkey, const char* name);
/// Ed25519 raw keys.
bytes ed25519_public(const EVP_PKEY* pkey);
secure_bytes ed25519_seed(const EVP_PKEY* pkey);
/// ECDSA public point, uncompressed (0x04 || X || Y).
bytes ecdsa_point(const EVP_PKEY* pkey);

}  // namespace sshlib::keys
