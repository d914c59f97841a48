// Comparison of secrets (MACs, tags, password hashes) in time independent of the content.
#pragma once

#include <sshlib/bytes.hpp>

namespace sshlib::crypto {

/// True when a and b are equal. Runs in time that depends only on the sizes, never on
/// where the first difference is. Different sizes compare unequal (sizes are not secret).
bool constant_time_equal(byte_view a, byte_view b) noexcept;

}  // namespace sshlib::crypto
