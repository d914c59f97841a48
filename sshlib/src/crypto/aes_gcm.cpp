#include "crypto/aes_gcm.hpp"

#include "crypto/openssl_error.hpp"

#include <string>

namespace sshlib::crypto {

result<aes_gcm> aes_gcm::create(byte_view key, byte_view iv, cipher_direction dir) {
  if (key.size() != 16 && key.size() != 32) {
    return error{errc::invalid_key_length,
                 "AES-GCM key must be 16 or 32 bytes, got " + std::to_string(key.size())};
  }
  if (iv.size() != iv_size) {
    return error{errc::invalid_key_length, "AES-GCM IV must be 12 bytes, got " + std::to_string(iv.size())};
  }
  auto ctx = cipher_context::create(key.size() == 16 ? "AES-128-GCM" : "AES-256-GCM", key, iv, dir);
  if (!ctx) return std::move(ctx).error();
  aes_gcm g(std::move(*ctx));
  std::copy(iv.begin(), iv.end(), g.iv_.begin());
  return g;
}

void aes_gcm::increment_counter() noexcept {
  // The last 8 bytes are a big-endian counter that wraps modulo 2^64; the fixed field of
  // the first 4 bytes never changes.
  for (std::size_t i = iv_size; i-- > 4;) {
    if (++iv_[i] != 0) break;
  }
}

result<void> aes_gcm::seal(mutable_byte_view packet, mutable_byte_view tag) {
  if (packet.size() < length_size || tag.size() != tag_size) {
    return error{errc::invalid_value, "AES-GCM seal: packet under 4 bytes or tag not 16"};
  }
  if (auto r = ctx_.reset_iv(iv_); !r) return r;
  if (auto r = ctx_.set_aad(packet.first(length_size)); !r) return r;
  if (auto r = ctx_.update(packet.subspan(length_size)); !r) return r;
  if (auto r = ctx_.finish(); !r) return r;
  if (EVP_CIPHER_CTX_ctrl(ctx_.native_handle(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size),
                          tag.data()) != 1) {
    return openssl_failure("AES-GCM tag");
  }
  increment_counter();
  return {};
}

result<void> aes_gcm::open(mutable_byte_view packet, byte_view tag) {
  if (packet.size() < length_size || tag.size() != tag_size) {
    return error{errc::invalid_value, "AES-GCM open: packet under 4 bytes or tag not 16"};
  }
  if (auto r = ctx_.reset_iv(iv_); !r) return r;
  if (auto r = ctx_.set_aad(packet.first(length_size)); !r) return r;
  if (auto r = ctx_.update(packet.subspan(length_size)); !r) return r;
  if (auto r = ctx_.set_tag(tag); !r) return r;
  // OpenSSL compares the tag in constant time inside EVP_CipherFinal_ex.
  if (auto r = ctx_.finish(); !r) return r;
  increment_counter();
  return {};
}

}  // namespace sshlib::crypto
