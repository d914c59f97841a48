// Base64 (RFC 4648 section 4) as key files use it: OpenSSH public key lines, the bodies of
// PEM-style armour. Strict: no characters outside the alphabet, padding only at the end.
#pragma once

#include <sshlib/bytes.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sshlib::keys {

/// Encodes with '=' padding, on one line.
std::string base64_encode(byte_view data);
/// Encodes without padding (SHA256 fingerprints).
std::string base64_encode_unpadded(byte_view data);

/// Decodes text; with skip_whitespace, spaces, tabs, CR and LF anywhere are ignored (armoured
/// bodies). Padding is optional but, if present, must be correct. nullopt on any other
/// character, on misplaced padding, on a lone trailing character, or on non-zero unused bits.
std::optional<bytes> base64_decode(std::string_view text, bool skip_whitespace = false);

}  // namespace sshlib::keys
