#include "crypto/chacha20_poly1305.hpp"

#include "crypto/constant_time.hpp"
#include "crypto/openssl_error.hpp"

#include <climits>

namespace sshlib::crypto {
namespace {

const EVP_CIPHER* evp_chacha20() {
  static const evp_cipher_ptr c(EVP_CIPHER_fetch(nullptr, "ChaCha20", nullptr));
  return c.get();
}
const EVP_MAC* evp_poly1305() {
  static const evp_mac_ptr m(EVP_MAC_fetch(nullptr, "POLY1305", nullptr));
  return m.get();
}

result<evp_cipher_ctx_ptr> keyed_chacha(byte_view key) {
  evp_cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return openssl_failure("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(ctx.get(), evp_chacha20(), key.data(), nullptr, nullptr) != 1) {
    return openssl_failure("EVP_EncryptInit_ex2 ChaCha20");
  }
  return ctx;
}

// ChaCha20 is its own inverse, so one transform serves both directions. Packets are capped
// far below INT_MAX, but chunk anyway so that the int conversion can never truncate.
result<void> xor_keystream(EVP_CIPHER_CTX* ctx, mutable_byte_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(data.size() - done, INT_MAX / 2));
    int outl = 0;
    if (EVP_EncryptUpdate(ctx, data.data() + done, &outl, data.data() + done, chunk) != 1 ||
        outl != chunk) {
      return openssl_failure("EVP_EncryptUpdate ChaCha20");
    }
    done += static_cast<std::size_t>(chunk);
  }
  return {};
}

result<void> set_iv(EVP_CIPHER_CTX* ctx, std::uint64_t counter, std::uint32_t seq) {
  std::uint8_t iv[16];
  chacha20_openssh_iv(counter, seq, iv);
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr) != 1) {
    return openssl_failure("ChaCha20 IV");
  }
  return {};
}

}  // namespace

void chacha20_openssh_iv(std::uint64_t block_counter, std::uint64_t nonce, std::uint8_t (&iv)[16]) noexcept {
  // OpenSSL reads its 16-byte IV as ChaCha20 state words 12..15, little-endian. The original
  // ChaCha20 that OpenSSH uses puts a 64-bit counter in words 12-13 and the 64-bit nonce in
  // words 14-15, so the IV is the counter in little-endian followed by the nonce bytes as
  // they are (the sequence number as a big-endian uint64).
  for (int i = 0; i < 8; ++i) iv[i] = static_cast<std::uint8_t>(block_counter >> (8 * i));
  for (int i = 0; i < 8; ++i) iv[8 + i] = static_cast<std::uint8_t>(nonce >> (56 - 8 * i));
}

result<chacha20_poly1305> chacha20_poly1305::create(byte_view key) {
  if (key.size() != key_size) {
    return error{errc::invalid_key_length, "chacha20-poly1305@openssh.com needs a 64-byte key, got " +
                                               std::to_string(key.size())};
  }
  if (evp_chacha20() == nullptr) return openssl_failure("ChaCha20", errc::algorithm_unavailable);
  if (evp_poly1305() == nullptr) return openssl_failure("Poly1305", errc::algorithm_unavailable);
  chacha20_poly1305 c;
  auto main = keyed_chacha(key.first(32));
  if (!main) return std::move(main).error();
  auto header = keyed_chacha(key.subspan(32));
  if (!header) return std::move(header).error();
  c.main_ = std::move(*main);
  c.header_ = std::move(*header);
  c.poly_.reset(EVP_MAC_CTX_new(const_cast<EVP_MAC*>(evp_poly1305())));
  if (!c.poly_) return openssl_failure("EVP_MAC_CTX_new Poly1305");
  return c;
}

result<void> chacha20_poly1305::start(std::uint32_t seq, mutable_byte_view poly_key) {
  // Block 0 of K_2's stream gives the Poly1305 key; consuming all 64 bytes of it leaves the
  // stream at block 1, where the payload starts.
  std::uint8_t block0[64] = {};
  if (auto r = set_iv(main_.get(), 0, seq); !r) return r;
  if (auto r = xor_keystream(main_.get(), block0); !r) return r;
  std::copy_n(block0, poly_key.size(), poly_key.begin());
  secure_wipe(block0, sizeof block0);
  return {};
}

result<void> chacha20_poly1305::compute_tag(byte_view poly_key, byte_view data, mutable_byte_view tag) {
  std::size_t len = 0;
  if (EVP_MAC_init(poly_.get(), poly_key.data(), poly_key.size(), nullptr) != 1 ||
      (!data.empty() && EVP_MAC_update(poly_.get(), data.data(), data.size()) != 1) ||
      EVP_MAC_final(poly_.get(), tag.data(), &len, tag.size()) != 1 || len != tag_size) {
    return openssl_failure("Poly1305");
  }
  return {};
}

result<std::uint32_t> chacha20_poly1305::decrypt_length(std::uint32_t seq, byte_view encrypted_length) {
  if (encrypted_length.size() != length_size) {
    return error{errc::invalid_value, "chacha20-poly1305: the length field is 4 bytes"};
  }
  std::uint8_t len[length_size];
  std::copy(encrypted_length.begin(), encrypted_length.end(), len);
  if (auto r = set_iv(header_.get(), 0, seq); !r) return r.error();
  if (auto r = xor_keystream(header_.get(), len); !r) return r.error();
  return (std::uint32_t{len[0]} << 24) | (std::uint32_t{len[1]} << 16) |
         (std::uint32_t{len[2]} << 8) | std::uint32_t{len[3]};
}

result<void> chacha20_poly1305::seal(std::uint32_t seq, mutable_byte_view packet, mutable_byte_view tag) {
  if (packet.size() < length_size || tag.size() != tag_size) {
    return error{errc::invalid_value, "chacha20-poly1305 seal: packet under 4 bytes or tag not 16"};
  }
  std::uint8_t poly_key[32];
  if (auto r = set_iv(header_.get(), 0, seq); !r) return r;
  if (auto r = xor_keystream(header_.get(), packet.first(length_size)); !r) return r;
  if (auto r = start(seq, poly_key); !r) return r;
  if (auto r = xor_keystream(main_.get(), packet.subspan(length_size)); !r) return r;
  auto r = compute_tag(poly_key, packet, tag);
  secure_wipe(poly_key, sizeof poly_key);
  return r;
}

result<void> chacha20_poly1305::open(std::uint32_t seq, mutable_byte_view packet, byte_view tag) {
  if (packet.size() < length_size || tag.size() != tag_size) {
    return error{errc::invalid_value, "chacha20-poly1305 open: packet under 4 bytes or tag not 16"};
  }
  std::uint8_t poly_key[32];
  std::uint8_t expected[tag_size];
  if (auto r = start(seq, poly_key); !r) return r;
  auto mac = compute_tag(poly_key, packet, expected);
  secure_wipe(poly_key, sizeof poly_key);
  if (!mac) return mac;
  // The tag is checked before anything is decrypted (the spec's MUST).
  if (!constant_time_equal(expected, tag)) {
    return error{errc::authentication_failed, "chacha20-poly1305@openssh.com tag mismatch"};
  }
  if (auto r = set_iv(header_.get(), 0, seq); !r) return r;
  if (auto r = xor_keystream(header_.get(), packet.first(length_size)); !r) return r;
  return xor_keystream(main_.get(), packet.subspan(length_size));
}

}  // namespace sshlib::crypto
