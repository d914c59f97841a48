// The Blowfish primitives bcrypt_pbkdf needs (the "Eksblowfish" key schedule and ECB
// encryption of 64-bit blocks). OpenSSL 3 offers Blowfish only in its legacy provider,
// which we must not depend on, so the cipher lives here. Not a general-purpose cipher API.
#pragma once

#include <sshlib/bytes.hpp>

#include <array>
#include <cstdint>

namespace sshlib::crypto {

struct blowfish_state {
  std::array<std::uint32_t, 18> p;
  std::array<std::uint32_t, 4 * 256> s;  // S-boxes 0..3, 256 words each, back to back
};

/// The subkeys every Blowfish key schedule starts from (digits of pi).
const blowfish_state& blowfish_initial_state() noexcept;

/// Encrypts one block given as two big-endian halves, in place.
void blowfish_encipher(const blowfish_state& st, std::uint32_t& left, std::uint32_t& right) noexcept;

/// Eksblowfish "ExpandKey(state, salt, key)": mixes key into P, then re-derives P and S by
/// encrypting a running block that absorbs salt. An empty salt gives the plain expansion
/// ("ExpandKey(state, 0, key)"). Precondition: key is not empty.
void blowfish_expand_state(blowfish_state& st, byte_view salt, byte_view key) noexcept;

}  // namespace sshlib::crypto
