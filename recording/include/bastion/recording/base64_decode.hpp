// Strict base64 (RFC 4648 section 4, standard alphabet, with padding) as the streams format
// writes it: the readers take nothing else, so a damaged recording is reported, not guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bastion::recording {

/// Decodes `text`, or nullopt when it is not canonical base64: a length that is not a
/// multiple of 4, a character outside the alphabet (whitespace included), '=' anywhere but
/// the last one or two places, or non-zero bits after the last byte.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace bastion::recording
