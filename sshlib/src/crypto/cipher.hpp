// A symmetric cipher context over OpenSSL EVP, without padding: the building block for
// SSH's packet ciphers (CTR, CBC, GCM) and for decrypting private key files.
#pragma once

#include "crypto/openssl_ptr.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::crypto {

enum class cipher_direction { encrypt, decrypt };

class cipher_context {
public:
  /// Creates a context for OpenSSL cipher `openssl_name` ("AES-256-CTR", "AES-128-GCM",
  /// "AES-256-CBC", "DES-EDE3-CBC", ...), fetched from `library` (nullptr: the default
  /// library context; legacy_library_context() for "RC4", "BF-CBC", "CAST5-CBC"). A cipher
  /// with a variable key length (RC4, Blowfish, CAST5) takes the key's size. Errors:
  /// unsupported_algorithm when OpenSSL does not know the name in that context,
  /// invalid_key_length when key or IV has the wrong size.
  static result<cipher_context> create(std::string_view openssl_name, byte_view key, byte_view iv,
                                       cipher_direction dir, OSSL_LIB_CTX* library = nullptr);

  cipher_context(cipher_context&&) noexcept = default;
  cipher_context& operator=(cipher_context&&) noexcept = default;

  std::size_t block_size() const noexcept;
  std::size_t key_length() const noexcept;
  std::size_t iv_length() const noexcept;

  /// Transforms in into out (equal sizes; in == out is allowed). For block modes the size
  /// must be a multiple of block_size(). Errors: invalid_value on a size mismatch,
  /// crypto_failure if OpenSSL fails.
  result<void> update(byte_view in, mutable_byte_view out);
  /// In-place form.
  result<void> update(mutable_byte_view inout) { return update(inout, inout); }

  /// AEAD modes: authenticated data to feed before update().
  result<void> set_aad(byte_view aad);
  /// AEAD modes, decrypting: the expected tag, set before finish().
  result<void> set_tag(byte_view tag);
  /// Ends the message. For AEAD decryption, authentication_failed when the tag is wrong.
  result<void> finish();
  /// AEAD modes, encrypting: the tag, after finish().
  result<bytes> get_tag(std::size_t tag_len);
  /// Starts a new message with a new IV (key unchanged).
  result<void> reset_iv(byte_view iv);
  /// Stream ciphers (block_size() == 1): throws away the next `n` bytes of keystream, as
  /// RFC 4345 does with RC4's first 1536. Errors: invalid_value for a block cipher,
  /// crypto_failure if OpenSSL fails.
  result<void> discard_keystream(std::size_t n);

  EVP_CIPHER_CTX* native_handle() noexcept { return ctx_.get(); }

private:
  cipher_context() = default;
  evp_cipher_ptr cipher_;
  evp_cipher_ctx_ptr ctx_;
  cipher_direction dir_{};
};

}  // namespace sshlib::crypto
