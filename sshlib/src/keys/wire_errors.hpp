// Turns a failed wire::reader into an error that says which input and where.
#pragma once

#include "wire/reader.hpp"

#include <sshlib/result.hpp>

#include <string>
#include <string_view>

namespace sshlib::keys {

/// The reader's own code (truncated, length_exceeds_limit, ...) when it failed, otherwise
/// `fallback`; the detail names `what` and the offset.
inline error read_failure(const wire::reader& r, std::string_view what,
                          errc fallback = errc::invalid_key_format) {
  if (!r.ok()) {
    return error{r.error(), std::string(what) + " (at byte " + std::to_string(r.error_offset()) + ")"};
  }
  return error{fallback, std::string(what)};
}

}  // namespace sshlib::keys
