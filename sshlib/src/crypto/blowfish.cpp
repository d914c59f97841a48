#include "crypto/blowfish.hpp"

namespace sshlib::crypto {
namespace {

// Raw pointers rather than std::array::operator[]: bcrypt_pbkdf calls this billions of
// times, and unoptimised (Debug) builds would otherwise spend seconds per key file.
inline std::uint32_t feistel(const std::uint32_t* s, std::uint32_t x) noexcept {
  return ((s[x >> 24] + s[256 + ((x >> 16) & 0xff)]) ^ s[512 + ((x >> 8) & 0xff)]) +
         s[768 + (x & 0xff)];
}

// Reads the next big-endian 32-bit word of data, wrapping around to its start: Eksblowfish
// treats the key and salt as infinitely repeated. Precondition: data is not empty.
std::uint32_t next_word(byte_view data, std::size_t& pos) noexcept {
  std::uint32_t w = 0;
  for (int i = 0; i < 4; ++i) {
    if (pos >= data.size()) pos = 0;
    w = (w << 8) | data[pos++];
  }
  return w;
}

}  // namespace

void blowfish_encipher(const blowfish_state& st, std::uint32_t& left,
                       std::uint32_t& right) noexcept {
  const std::uint32_t* s = st.s.data();
  const std::uint32_t* p = st.p.data();
  std::uint32_t l = left ^ p[0];
  std::uint32_t r = right;
  for (std::size_t i = 1; i <= 16; i += 2) {
    r ^= feistel(s, l) ^ p[i];
    l ^= feistel(s, r) ^ p[i + 1];
  }
  left = r ^ p[17];
  right = l;
}

void blowfish_expand_state(blowfish_state& st, byte_view salt, byte_view key) noexcept {
  std::size_t key_pos = 0;
  for (auto& p : st.p) p ^= next_word(key, key_pos);

  std::size_t salt_pos = 0;
  std::uint32_t l = 0;
  std::uint32_t r = 0;
  const auto encrypt_next = [&] {
    if (!salt.empty()) {
      l ^= next_word(salt, salt_pos);
      r ^= next_word(salt, salt_pos);
    }
    blowfish_encipher(st, l, r);
  };
  for (std::size_t i = 0; i < st.p.size(); i += 2) {
    encrypt_next();
    st.p[i] = l;
    st.p[i + 1] = r;
  }
  for (std::size_t k = 0; k < st.s.size(); k += 2) {
    encrypt_next();
    st.s[k] = l;
    st.s[k + 1] = r;
  }
}

}  // namespace sshlib::crypto
