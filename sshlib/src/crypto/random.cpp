#include "crypto/random.hpp"

#include "crypto/openssl_error.hpp"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

namespace sshlib::crypto {

void random_fill(mutable_byte_view out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t chunk = std::min<std::size_t>(out.size() - done, INT_MAX);
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
      throw std::runtime_error(drain_openssl_errors("RAND_bytes failed"));
    }
    done += chunk;
  }
}

bytes random_bytes(std::size_t n) {
  bytes b(n);
  random_fill(b);
  return b;
}

}  // namespace sshlib::crypto
