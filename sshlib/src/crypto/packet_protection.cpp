#include "crypto/packet_protection.hpp"

#include "crypto/aes_gcm.hpp"
#include "crypto/chacha20_poly1305.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/hmac.hpp"
#include "crypto/legacy_provider.hpp"
#include "wire/limits.hpp"

#include <string>

namespace sshlib::crypto {
namespace {

std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// A block or stream cipher with an HMAC (RFC 4253 section 6.3-6.4), in either order.
class cipher_and_mac final : public packet_protection {
public:
  cipher_and_mac(cipher_direction dir, const cipher_spec& c, const mac_spec& m, cipher_context cipher,
                 hmac_context mac)
      : packet_protection(dir, c.block_size, m.mac_length, m.encrypt_then_mac),
        cipher_(std::move(cipher)), mac_(std::move(mac)), etm_(m.encrypt_then_mac) {}

private:
  // RFC 4253 section 6.4: mac = MAC(key, sequence_number || packet). For etm the packet
  // is the clear length followed by the ciphertext.
  result<void> compute_mac(std::uint32_t seq, byte_view body, mutable_byte_view out) {
    const std::uint8_t seq_be[4] = {static_cast<std::uint8_t>(seq >> 24), static_cast<std::uint8_t>(seq >> 16),
                                    static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
    if (auto r = mac_.update(seq_be); !r) return r;
    if (auto r = mac_.update(body); !r) return r;
    return mac_.finish(out);
  }

  result<void> do_seal(std::uint32_t seq, mutable_byte_view body, mutable_byte_view tag) override {
    if (etm_) {
      if (auto r = cipher_.update(body.subspan(4)); !r) return r;
      return compute_mac(seq, body, tag);
    }
    if (auto r = compute_mac(seq, body, tag); !r) return r;
    return cipher_.update(body);
  }

  result<std::uint32_t> do_open_length(std::uint32_t, mutable_byte_view prefix) override {
    if (!etm_) {
      if (auto r = cipher_.update(prefix); !r) return r.error();
    }
    return load_be32(prefix.data());
  }

  result<void> do_open(std::uint32_t seq, mutable_byte_view body, byte_view tag) override {
    std::uint8_t expected[EVP_MAX_MD_SIZE];
    const mutable_byte_view want(expected, tag.size());
    if (etm_) {
      // Authenticate before decrypting anything.
      if (auto r = compute_mac(seq, body, want); !r) return r;
      if (!constant_time_equal(want, tag)) return mac_mismatch();
      return cipher_.update(body.subspan(4));
    }
    // The first block was decrypted by do_open_length.
    if (auto r = cipher_.update(body.subspan(length_prefix_size())); !r) return r;
    if (auto r = compute_mac(seq, body, want); !r) return r;
    if (!constant_time_equal(want, tag)) return mac_mismatch();
    return {};
  }

  static error mac_mismatch() { return error{errc::authentication_failed, "packet MAC mismatch"}; }

  cipher_context cipher_;
  hmac_context mac_;
  bool etm_;
};

class chacha_protection final : public packet_protection {
public:
  chacha_protection(cipher_direction dir, chacha20_poly1305 aead)
      : packet_protection(dir, 8, chacha20_poly1305::tag_size, true), aead_(std::move(aead)) {}

private:
  result<void> do_seal(std::uint32_t seq, mutable_byte_view body, mutable_byte_view tag) override {
    return aead_.seal(seq, body, tag);
  }
  result<std::uint32_t> do_open_length(std::uint32_t seq, mutable_byte_view prefix) override {
    return aead_.decrypt_length(seq, prefix);
  }
  result<void> do_open(std::uint32_t seq, mutable_byte_view body, byte_view tag) override {
    return aead_.open(seq, body, tag);
  }
  chacha20_poly1305 aead_;
};

// RFC 5647: the nonce comes from the invocation counter, not the sequence number.
class gcm_protection final : public packet_protection {
public:
  gcm_protection(cipher_direction dir, aes_gcm aead)
      : packet_protection(dir, 16, aes_gcm::tag_size, true), aead_(std::move(aead)) {}

private:
  result<void> do_seal(std::uint32_t, mutable_byte_view body, mutable_byte_view tag) override {
    return aead_.seal(body, tag);
  }
  result<std::uint32_t> do_open_length(std::uint32_t, mutable_byte_view prefix) override {
    return load_be32(prefix.data());
  }
  result<void> do_open(std::uint32_t, mutable_byte_view body, byte_view tag) override {
    return aead_.open(body, tag);
  }
  aes_gcm aead_;
};

error wrong_size(std::string_view what, std::string_view alg, std::size_t want, std::size_t got) {
  return error{errc::invalid_key_length, std::string(alg) + ": " + std::string(what) + " of " +
                                             std::to_string(got) + " bytes, needs " + std::to_string(want)};
}

}  // namespace

result<std::unique_ptr<packet_protection>> packet_protection::create(std::string_view cipher_name,
                                                                     std::string_view mac_name,
                                                                     cipher_direction direction,
                                                                     byte_view key, byte_view iv,
                                                                     byte_view mac_key) {
  const cipher_spec* c = find_listed_cipher_spec(cipher_name);
  if (c == nullptr) return error{errc::unsupported_algorithm, "cipher " + std::string(cipher_name)};
  if (!cipher_available(*c)) {
    return error{errc::algorithm_unavailable,
                 "cipher " + std::string(cipher_name) +
                     " needs OpenSSL's legacy provider, which is not available here"};
  }
  if (key.size() != c->key_length) return wrong_size("key", c->ssh_name, c->key_length, key.size());
  if (iv.size() != c->iv_length) return wrong_size("IV", c->ssh_name, c->iv_length, iv.size());

  switch (c->kind) {
    case packet_cipher_kind::chacha20_poly1305: {
      auto aead = chacha20_poly1305::create(key);
      if (!aead) return std::move(aead).error();
      return std::unique_ptr<packet_protection>(new chacha_protection(direction, std::move(*aead)));
    }
    case packet_cipher_kind::aes_gcm: {
      auto aead = aes_gcm::create(key, iv, direction);
      if (!aead) return std::move(aead).error();
      return std::unique_ptr<packet_protection>(new gcm_protection(direction, std::move(*aead)));
    }
    case packet_cipher_kind::block: break;
  }

  const mac_spec* m = find_mac_spec(mac_name);
  if (m == nullptr) return error{errc::unsupported_algorithm, "MAC " + std::string(mac_name)};
  if (mac_key.size() != m->key_length) return wrong_size("MAC key", m->ssh_name, m->key_length, mac_key.size());
  OSSL_LIB_CTX* library =
      c->provider == cipher_provider::legacy ? legacy_library_context() : nullptr;
  auto cipher = cipher_context::create(c->openssl_name, key, iv, direction, library);
  if (!cipher) return std::move(cipher).error();
  if (c->keystream_discard != 0) {
    if (auto r = cipher->discard_keystream(c->keystream_discard); !r) return r.error();
  }
  auto mac = hmac_context::create(m->algorithm, mac_key);
  if (!mac) return std::move(mac).error();
  return std::unique_ptr<packet_protection>(
      new cipher_and_mac(direction, *c, *m, std::move(*cipher), std::move(*mac)));
}

result<void> packet_protection::usable(cipher_direction wanted) const {
  if (failed_) return error{errc::invalid_value, "packet protection refused: an earlier packet failed"};
  if (dir_ != wanted) {
    return error{errc::invalid_value, wanted == cipher_direction::encrypt ? "seal on an inbound protection"
                                                                          : "open on an outbound protection"};
  }
  return {};
}

result<void> packet_protection::check_length(std::uint32_t packet_length) const {
  if (packet_length > wire::limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "packet_length " + std::to_string(packet_length) + " above " +
                                                 std::to_string(wire::limits::max_packet_length)};
  }
  // One padding_length byte and at least four bytes of padding (RFC 4253 section 6).
  if (packet_length < 5) {
    return error{errc::invalid_value, "packet_length " + std::to_string(packet_length) + " below 5"};
  }
  const std::size_t padded = length_is_aad_ ? packet_length : std::size_t{packet_length} + 4;
  if (padded % block_size_ != 0) {
    return error{errc::invalid_value, "packet_length " + std::to_string(packet_length) +
                                          " not aligned to the " + std::to_string(block_size_) +
                                          "-byte block"};
  }
  return {};
}

result<void> packet_protection::seal(std::uint32_t sequence_number, mutable_byte_view packet) {
  if (auto r = usable(cipher_direction::encrypt); !r) return r;
  if (packet.size() < 4 + tag_length_) return error{errc::invalid_value, "seal: buffer shorter than a packet"};
  const std::uint32_t length = load_be32(packet.data());
  if (auto r = check_length(length); !r) return r;
  if (packet.size() != 4 + std::size_t{length} + tag_length_) {
    return error{errc::invalid_value, "seal: buffer size does not match packet_length and tag"};
  }
  const std::size_t body = 4 + std::size_t{length};
  return do_seal(sequence_number, packet.first(body), packet.subspan(body));
}

result<std::uint32_t> packet_protection::open_length(std::uint32_t sequence_number, mutable_byte_view prefix) {
  if (auto r = usable(cipher_direction::decrypt); !r) return r.error();
  if (pending_) return error{errc::invalid_value, "open_length called twice without open"};
  if (prefix.size() != length_prefix_size()) {
    return error{errc::invalid_value, "open_length needs exactly " + std::to_string(length_prefix_size()) + " bytes"};
  }
  auto length = do_open_length(sequence_number, prefix);
  if (length) {
    if (auto r = check_length(*length); !r) length = r.error();
  }
  if (!length) {
    failed_ = true;
    return length;
  }
  pending_ = pending_packet{sequence_number, *length};
  return length;
}

result<void> packet_protection::open(std::uint32_t sequence_number, mutable_byte_view packet) {
  if (auto r = usable(cipher_direction::decrypt); !r) return r;
  if (!pending_ || pending_->seq != sequence_number) {
    return error{errc::invalid_value, "open without open_length for this sequence number"};
  }
  const std::size_t body = 4 + std::size_t{pending_->length};
  if (packet.size() != body + tag_length_) {
    return error{errc::invalid_value, "open: buffer size does not match packet_length and tag"};
  }
  pending_.reset();
  auto r = do_open(sequence_number, packet.first(body), packet.subspan(body));
  if (!r) failed_ = true;
  return r;
}

}  // namespace sshlib::crypto
