// What a sshlib::key holds: the OpenSSL key, whether it has its private half, the comment
// and, for certificates, the parsed certificate and its original blob. Immutable once built.
#pragma once

#include "crypto/openssl_ptr.hpp"
#include "keys/key_types.hpp"

#include <sshlib/key.hpp>

#include <optional>
#include <string>

namespace sshlib::keys {

struct key_impl {
  const type_info* type = nullptr;  // never null in a built key
  crypto::evp_pkey_ptr pkey;
  bool has_private = false;
  std::string comment;
  std::optional<sshlib::certificate> cert;
  bytes cert_blob;  // the certificate as received, when cert is set
};

/// Another owning handle to the same EVP_PKEY (reference counted by OpenSSL).
crypto::evp_pkey_ptr share_pkey(EVP_PKEY* pkey);

/// A key from a finished impl.
inline key make_key(key_impl&& impl) {
  return key(std::make_shared<const key_impl>(std::move(impl)));
}

}  // namespace sshlib::keys
