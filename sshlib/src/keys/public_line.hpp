// One-line OpenSSH public keys and certificates ("ssh-ed25519 AAAA... comment"), as in
// id_ed25519.pub, known_hosts entries without the host field, and -cert.pub files.
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

/// Parses the first line that is neither blank nor a '#' comment. The type word must name
/// the same type as the blob it precedes. Errors: invalid_key_format (bad base64, missing
/// fields, type disagreement), unsupported_key_type, and parse_public_blob's.
result<key_impl> parse_public_line(std::string_view text);

}  // namespace sshlib::keys
