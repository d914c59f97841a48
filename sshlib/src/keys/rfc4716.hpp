// The SSH public key file format of RFC 4716 ("---- BEGIN SSH2 PUBLIC KEY ----"), as
// `ssh-keygen -e` and `puttygen -O public` write it: headers (Comment and others, with
// backslash continuation lines and optional quotes) and a base64 body.
#pragma once

#include "keys/key_impl.hpp"

#include <sshlib/result.hpp>

#include <string>
#include <string_view>

namespace sshlib::keys {

inline constexpr std::string_view rfc4716_begin = "---- BEGIN SSH2 PUBLIC KEY ----";
inline constexpr std::string_view rfc4716_end = "---- END SSH2 PUBLIC KEY ----";

/// Errors: invalid_key_format (which line is wrong), length_exceeds_limit, and those of the
/// public key blob. The "Comment" header becomes the key's comment.
result<key_impl> parse_rfc4716(std::string_view text);

/// Writes the key in RFC 4716 form: a Comment header when the comment is not empty, base64
/// lines of 70 characters (the RFC's limit is 72), CR-less line ends.
std::string write_rfc4716(const key_impl& k);

}  // namespace sshlib::keys
