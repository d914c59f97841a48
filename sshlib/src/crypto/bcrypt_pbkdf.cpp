#include "crypto/bcrypt_pbkdf.hpp"

#include "crypto/blowfish.hpp"
#include "crypto/digest.hpp"

#include <algorithm>
#include <array>
#include <memory>

namespace sshlib::crypto {
namespace {

constexpr std::size_t hash_size = 32;      // one bcrypt hash: 8 words
constexpr std::size_t max_salt = 1024;

// bcrypt's fixed plaintext, 32 bytes.
constexpr char magic[] = "OxychromaticBlowfishSwatDynamite";

// The core: a bcrypt-style hash of the two SHA-512 digests, 64 rounds of expensive key
// schedule, then the magic text encrypted 64 times. Words are written little-endian, as the
// reference implementation does (an accident of its history that every implementation keeps).
void bcrypt_hash(byte_view sha_pass, byte_view sha_salt, std::array<std::uint8_t, hash_size>& out) {
  // Heap-allocated and wiped: the state is derived from the passphrase.
  auto st = std::make_unique<blowfish_state>(blowfish_initial_state());
  blowfish_expand_state(*st, sha_salt, sha_pass);
  for (int i = 0; i < 64; ++i) {
    blowfish_expand_state(*st, {}, sha_salt);
    blowfish_expand_state(*st, {}, sha_pass);
  }
  std::array<std::uint32_t, hash_size / 4> cdata{};
  for (std::size_t i = 0; i < cdata.size(); ++i) {
    for (std::size_t b = 0; b < 4; ++b) {
      cdata[i] = (cdata[i] << 8) | static_cast<std::uint8_t>(magic[i * 4 + b]);
    }
  }
  for (int round = 0; round < 64; ++round) {
    for (std::size_t i = 0; i < cdata.size(); i += 2) blowfish_encipher(*st, cdata[i], cdata[i + 1]);
  }
  for (std::size_t i = 0; i < cdata.size(); ++i) {
    out[4 * i + 0] = static_cast<std::uint8_t>(cdata[i]);
    out[4 * i + 1] = static_cast<std::uint8_t>(cdata[i] >> 8);
    out[4 * i + 2] = static_cast<std::uint8_t>(cdata[i] >> 16);
    out[4 * i + 3] = static_cast<std::uint8_t>(cdata[i] >> 24);
  }
  secure_wipe(st.get(), sizeof(*st));
  secure_wipe(cdata.data(), sizeof(cdata));
}

}  // namespace

result<void> bcrypt_pbkdf(byte_view passphrase, byte_view salt, std::uint32_t rounds,
                          mutable_byte_view out) {
  if (rounds == 0) return error{errc::invalid_value, "bcrypt_pbkdf: zero rounds"};
  if (salt.empty() || salt.size() > max_salt) {
    return error{errc::invalid_value, "bcrypt_pbkdf: salt must be 1..1024 bytes"};
  }
  if (out.empty() || out.size() > bcrypt_pbkdf_max_output) {
    return error{errc::invalid_value, "bcrypt_pbkdf: output must be 1..1024 bytes"};
  }
  // Output byte i of block `count` goes to position i * stride + (count - 1), so that the
  // bytes of one block are spread over the whole key.
  const std::size_t stride = (out.size() + hash_size - 1) / hash_size;
  const std::size_t per_block = (out.size() + stride - 1) / stride;

  const secure_bytes sha_pass = [&] {
    const bytes d = digest(digest_algorithm::sha512, passphrase);
    return secure_bytes(d.begin(), d.end());
  }();
  secure_bytes count_salt(salt.begin(), salt.end());
  count_salt.resize(salt.size() + 4);
  std::size_t left = out.size();
  for (std::uint32_t count = 1; left > 0; ++count) {
    count_salt[salt.size() + 0] = static_cast<std::uint8_t>(count >> 24);
    count_salt[salt.size() + 1] = static_cast<std::uint8_t>(count >> 16);
    count_salt[salt.size() + 2] = static_cast<std::uint8_t>(count >> 8);
    count_salt[salt.size() + 3] = static_cast<std::uint8_t>(count);

    bytes sha_salt = digest(digest_algorithm::sha512, count_salt);
    std::array<std::uint8_t, hash_size> tmp{};
    bcrypt_hash(sha_pass, sha_salt, tmp);
    std::array<std::uint8_t, hash_size> acc = tmp;
    for (std::uint32_t r = 1; r < rounds; ++r) {
      sha_salt = digest(digest_algorithm::sha512, tmp);
      bcrypt_hash(sha_pass, sha_salt, tmp);
      for (std::size_t i = 0; i < acc.size(); ++i) acc[i] ^= tmp[i];
    }
    const std::size_t amount = std::min(per_block, left);
    std::size_t i = 0;
    for (; i < amount; ++i) {
      const std::size_t dest = i * stride + (count - 1);
      if (dest >= out.size()) break;
      out[dest] = acc[i];
    }
    left -= i;
    secure_wipe(tmp.data(), tmp.size());
    secure_wipe(acc.data(), acc.size());
    secure_wipe(sha_salt.data(), sha_salt.size());
  }
  return {};
}

}  // namespace sshlib::crypto
