#include "crypto/constant_time.hpp"

#include <openssl/crypto.h>

namespace sshlib::crypto {

bool constant_time_equal(byte_view a, byte_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sshlib::crypto

namespace sshlib {

bool constant_time_equal(byte_view a, byte_view b) noexcept { return crypto::constant_time_equal(a, b); }

}  // namespace sshlib
