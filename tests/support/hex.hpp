// Hex helpers for tests: known-answer vectors are written as hex strings.
#pragma once

#include <sshlib/bytes.hpp>

#include <string>
#include <string_view>

namespace sshlib::test {

/// Decodes hex, ignoring spaces; throws std::invalid_argument on a bad digit or odd length.
bytes from_hex(std::string_view hex);
std::string to_hex(byte_view data);

}  // namespace sshlib::test
