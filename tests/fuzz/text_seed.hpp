// Lets a fuzzer's seeds be readable text: an input shaped like "type base64..." is replaced
// by its decoded base64 field; anything else is fuzzed as raw bytes.
#pragma once

#include "keys/base64.hpp"

#include <sshlib/bytes.hpp>

#include <string_view>

namespace sshlib::fuzz {

/// Returns the decoded blob of a "type base64" line (kept alive in storage), or in itself.
inline byte_view decode_text_seed(byte_view in, bytes& storage) {
  const std::string_view text = as_string_view(in);
  const auto sp = text.find(' ');
  if (sp == std::string_view::npos || sp >= 64) return in;
  const auto end = text.find_first_of(" \n", sp + 1);
  const auto field = text.substr(sp + 1, end == std::string_view::npos ? end : end - sp - 1);
  auto d = keys::base64_decode(field);
  if (!d) return in;
  storage = std::move(*d);
  return storage;
}

}  // namespace sshlib::fuzz
