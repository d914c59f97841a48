// "-----BEGIN X-----" / "-----END X-----" armour around base64, as OpenSSH private keys and
// SSH signatures use it (no PEM headers inside).
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

/// Finds begin...end in text (leading text before begin is allowed, as are blank lines and
/// CRLF) and decodes the base64 between them. `what` names the input in errors.
/// Errors: invalid_key_format (missing markers, bad base64).
result<secure_bytes> decode_armor(std::string_view text, std::string_view begin, std::string_view end,
                                  std::string_view what);

/// begin, base64 in lines of 70 characters (as ssh-keygen writes), end, each ending in '\n'.
secret_string encode_armor(byte_view data, std::string_view begin, std::string_view end);

}  // namespace sshlib::keys
