// Message digests (MD5 for legacy fingerprints and hmac-md5, SHA-1, SHA-2) over OpenSSL EVP.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>

#include <string_view>

namespace sshlib::crypto {

enum class digest_algorithm { md5, sha1, sha256, sha384, sha512 };

/// Output size in bytes.
std::size_t digest_size(digest_algorithm alg) noexcept;
/// OpenSSL's name for the algorithm ("SHA256", ...).
std::string_view digest_name(digest_algorithm alg) noexcept;
/// The fetched EVP_MD, cached for the life of the process (thread-safe, never null:
/// throws std::runtime_error if the default provider lacks it, which is a broken install).
const EVP_MD* evp_md(digest_algorithm alg);

/// Incremental hashing.
class hasher {
public:
  explicit hasher(digest_algorithm alg);
  hasher(hasher&&) noexcept = default;
  hasher& operator=(hasher&&) noexcept = default;

  hasher& update(byte_view data);
  hasher& update(std::string_view data) { return update(as_bytes(data)); }
  /// Returns the digest; the hasher is reset and may be reused.
  bytes finish();
  /// A copy of the current state, e.g. to take an intermediate digest.
  hasher clone() const;

private:
  hasher() = default;
  digest_algorithm alg_{};
  evp_md_ctx_ptr ctx_;
};

bytes digest(digest_algorithm alg, byte_view data);

}  // namespace sshlib::crypto
