// generate_key: fresh keys from OpenSSL's DRBG.
#include <sshlib/key.hpp>

#include "crypto/openssl_error.hpp"
#include "keys/key_impl.hpp"
#include "keys/key_limits.hpp"

#include <string>

namespace sshlib {

result<key> generate_key(key_type type, std::size_t bits) {
  const keys::type_info& t = keys::info(type);
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case key_type::ed25519:
      if (bits != 0 && bits != 256) return error{errc::invalid_value, "ssh-ed25519 keys are 256 bits"};
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case key_type::ecdsa_p256:
    case key_type::ecdsa_p384:
    case key_type::ecdsa_p521: {
      if (bits != 0 && bits != t.field_bytes * 8 && !(type == key_type::ecdsa_p521 && bits == 521)) {
        return error{errc::invalid_value, std::string(t.name) + " keys are " + std::to_string(
            type == key_type::ecdsa_p521 ? 521 : t.field_bytes * 8) + " bits"};
      }
      const std::string group(t.group);
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group.c_str());
      break;
    }
    case key_type::rsa: {
      const std::size_t n = bits == 0 ? keys::limits::default_rsa_bits : bits;
      if (n < keys::limits::min_rsa_bits || n > keys::limits::max_rsa_bits) {
        return error{errc::invalid_value, "RSA keys must be " + std::to_string(keys::limits::min_rsa_bits) + ".." +
                                              std::to_string(keys::limits::max_rsa_bits) + " bits"};
      }
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", n);
      break;
    }
    case key_type::dsa:
      return error{errc::unsupported_key_type,
                   "DSA key generation is refused: OpenSSH deprecated ssh-dss (1024-bit, SHA-1)"};
  }
  if (raw == nullptr) return crypto::openssl_failure("key generation for " + std::string(t.name));
  keys::key_impl k;
  k.type = &t;
  k.pkey.reset(raw);
  k.has_private = true;
  return keys::make_key(std::move(k));
}

}  // namespace sshlib
