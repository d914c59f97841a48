// HMAC (RFC 2104) over OpenSSL's EVP_MAC, for SSH's hmac-* MAC algorithms (RFC 4253
// section 6.4, RFC 6668) and anything else that needs a keyed hash.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::crypto {

enum class hmac_algorithm { md5, sha1, sha256, sha512, ripemd160 };

/// Full (untruncated) output size in bytes.
std::size_t hmac_size(hmac_algorithm alg) noexcept;
/// OpenSSL's name for the underlying digest ("SHA256", "RIPEMD160", ...).
std::string_view hmac_digest_name(hmac_algorithm alg) noexcept;

/// An HMAC keyed once and reusable for any number of messages (one per SSH packet).
class hmac_context {
public:
  /// Keys a new context. Errors: algorithm_unavailable when this OpenSSL lacks the digest
  /// (RIPEMD-160 before 3.0.7), crypto_failure if OpenSSL fails.
  static result<hmac_context> create(hmac_algorithm alg, byte_view key);

  hmac_context(hmac_context&&) noexcept = default;
  hmac_context& operator=(hmac_context&&) noexcept = default;

  hmac_algorithm algorithm() const noexcept { return alg_; }
  std::size_t size() const noexcept { return hmac_size(alg_); }

  /// Feeds data into the current message.
  result<void> update(byte_view data);
  /// Ends the message and writes the first out.size() bytes of the MAC into out (the -96
  /// variants keep 12 bytes). Precondition-checked: 0 < out.size() <= size(), else
  /// invalid_value. The context is then ready for the next message under the same key.
  result<void> finish(mutable_byte_view out);
  /// As above, returning the MAC truncated to `length` bytes (0 means the full size).
  result<bytes> finish(std::size_t length = 0);

private:
  hmac_context() = default;
  hmac_algorithm alg_{};
  evp_mac_ctx_ptr ctx_;
  bool dirty_ = false;  // finish() leaves OpenSSL's context finalised; restart lazily
  result<void> restart_if_needed();
};

/// One-shot HMAC of data under key, truncated to `length` bytes (0 means the full size).
result<bytes> hmac(hmac_algorithm alg, byte_view key, byte_view data, std::size_t length = 0);

}  // namespace sshlib::crypto
