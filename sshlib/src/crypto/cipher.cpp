#include "crypto/cipher.hpp"

#include "crypto/openssl_error.hpp"

#include <openssl/core_names.h>

#include <algorithm>
#include <climits>
#include <string>

namespace sshlib::crypto {

result<cipher_context> cipher_context::create(std::string_view openssl_name, byte_view key,
                                              byte_view iv, cipher_direction dir,
                                              OSSL_LIB_CTX* library) {
  cipher_context c;
  const std::string name(openssl_name);
  c.cipher_.reset(EVP_CIPHER_fetch(library, name.c_str(), nullptr));
  if (!c.cipher_) return openssl_failure("cipher " + name, errc::unsupported_algorithm);
  // OpenSSL 3.0's provider ciphers do not report EVP_CIPH_VARIABLE_LENGTH (RC4, BF-CBC and
  // CAST5-CBC show flags without it); a settable key length is what tells them apart.
  const bool variable_key =
      (EVP_CIPHER_get_flags(c.cipher_.get()) & EVP_CIPH_VARIABLE_LENGTH) != 0 ||
      OSSL_PARAM_locate_const(EVP_CIPHER_settable_ctx_params(c.cipher_.get()),
                              OSSL_CIPHER_PARAM_KEYLEN) != nullptr;
  const auto fixed_key = static_cast<std::size_t>(EVP_CIPHER_get_key_length(c.cipher_.get()));
  // Variable-length keys are capped at EVP_MAX_KEY_LENGTH (64 bytes; SSH uses at most 32).
  if (variable_key ? key.empty() || key.size() > EVP_MAX_KEY_LENGTH : key.size() != fixed_key) {
    return error{errc::invalid_key_length, "cipher " + name + ": key of " +
                                               std::to_string(key.size()) + " bytes"};
  }
  const bool aead = (EVP_CIPHER_get_flags(c.cipher_.get()) & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
  const auto want_iv = static_cast<std::size_t>(EVP_CIPHER_get_iv_length(c.cipher_.get()));
  if (!aead && iv.size() != want_iv) {
    return error{errc::invalid_key_length,
                 "cipher " + name + ": IV of " + std::to_string(iv.size()) + " bytes"};
  }
  c.ctx_.reset(EVP_CIPHER_CTX_new());
  c.dir_ = dir;
  const int enc = dir == cipher_direction::encrypt ? 1 : 0;
  if (!c.ctx_ || EVP_CipherInit_ex2(c.ctx_.get(), c.cipher_.get(), nullptr, nullptr, enc, nullptr) != 1) {
    return openssl_failure("EVP_CipherInit_ex2 " + name);
  }
  // The key length must be set between choosing the cipher and keying it; RC4's default
  // is 16 bytes and arcfour256 uses 32.
  if (variable_key && key.size() != fixed_key &&
      EVP_CIPHER_CTX_set_key_length(c.ctx_.get(), static_cast<int>(key.size())) != 1) {
    return openssl_failure("cipher " + name + ": key of " + std::to_string(key.size()) + " bytes",
                           errc::invalid_key_length);
  }
  if (aead && iv.size() != want_iv) {
    if (EVP_CIPHER_CTX_ctrl(c.ctx_.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(iv.size()),
                            nullptr) != 1) {
      return openssl_failure("cipher " + name + ": IV length", errc::invalid_key_length);
    }
  }
  if (EVP_CipherInit_ex2(c.ctx_.get(), nullptr, key.data(), iv.empty() ? nullptr : iv.data(), enc,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(c.ctx_.get(), 0) != 1) {
    return openssl_failure("EVP_CipherInit_ex2 key " + name);
  }
  // The provider takes the new length on keying; make sure it did not keep its default.
  if (static_cast<std::size_t>(EVP_CIPHER_CTX_get_key_length(c.ctx_.get())) != key.size()) {
    return error{errc::invalid_key_length, "cipher " + name + ": key of " +
                                               std::to_string(key.size()) + " bytes not accepted"};
  }
  return c;
}

std::size_t cipher_context::block_size() const noexcept {
  return static_cast<std::size_t>(EVP_CIPHER_get_block_size(cipher_.get()));
}
std::size_t cipher_context::key_length() const noexcept {
  return static_cast<std::size_t>(EVP_CIPHER_CTX_get_key_length(ctx_.get()));
}
std::size_t cipher_context::iv_length() const noexcept {
  return static_cast<std::size_t>(EVP_CIPHER_CTX_get_iv_length(ctx_.get()));
}

result<void> cipher_context::update(byte_view in, mutable_byte_view out) {
  if (in.size() != out.size()) return error{errc::invalid_value, "cipher update: size mismatch"};
  if (in.size() % block_size() != 0) {
    return error{errc::invalid_value, "cipher update: not a multiple of the block size"};
  }
  std::size_t done = 0;
  while (done < in.size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(in.size() - done, INT_MAX / 2));
    int outl = 0;
    if (EVP_CipherUpdate(ctx_.get(), out.data() + done, &outl, in.data() + done, chunk) != 1 ||
        outl != chunk) {
      return openssl_failure("EVP_CipherUpdate");
    }
    done += static_cast<std::size_t>(chunk);
  }
  return {};
}

result<void> cipher_context::set_aad(byte_view aad) {
  int outl = 0;
  if (EVP_CipherUpdate(ctx_.get(), nullptr, &outl, aad.data(), static_cast<int>(aad.size())) != 1) {
    return openssl_failure("EVP_CipherUpdate (AAD)");
  }
  return {};
}

result<void> cipher_context::set_tag(byte_view tag) {
  if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    return openssl_failure("set AEAD tag", errc::invalid_value);
  }
  return {};
}

result<void> cipher_context::finish() {
  std::uint8_t scratch[EVP_MAX_BLOCK_LENGTH];
  int outl = 0;
  if (EVP_CipherFinal_ex(ctx_.get(), scratch, &outl) != 1) {
    if (dir_ == cipher_direction::decrypt &&
        (EVP_CIPHER_get_flags(cipher_.get()) & EVP_CIPH_FLAG_AEAD_CIPHER) != 0) {
      drain_openssl_errors("");
      return error{errc::authentication_failed, "AEAD tag mismatch"};
    }
    return openssl_failure("EVP_CipherFinal_ex");
  }
  return {};
}

result<bytes> cipher_context::get_tag(std::size_t tag_len) {
  bytes tag(tag_len);
  if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_len),
                          tag.data()) != 1) {
    return openssl_failure("get AEAD tag");
  }
  return tag;
}

result<void> cipher_context::reset_iv(byte_view iv) {
  if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), -1, nullptr) != 1) {
    return openssl_failure("EVP_CipherInit_ex2 (IV)");
  }
  return {};
}

result<void> cipher_context::discard_keystream(std::size_t n) {
  if (block_size() != 1) return error{errc::invalid_value, "discard_keystream on a block cipher"};
  // A stream cipher's keystream is what it makes of zeros; encrypting and decrypting
  // advance it alike.
  std::uint8_t scratch[256];
  while (n > 0) {
    const std::size_t chunk = std::min(n, sizeof scratch);
    std::fill_n(scratch, chunk, std::uint8_t{0});
    if (auto r = update(mutable_byte_view(scratch, chunk)); !r) return r;
    n -= chunk;
  }
  OPENSSL_cleanse(scratch, sizeof scratch);
  return {};
}

}  // namespace sshlib::crypto
