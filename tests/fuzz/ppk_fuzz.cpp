// PuTTY PPK files (as text, with a fixed passphrase), under tiny Argon2 limits so that
// inputs explore the container rather than spend their time in the KDF. The encrypted
// seeds use the passphrase "pass" and Argon2 costs within these limits.
#include "keys/ppk.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  keys::ppk_limits limits;
  limits.max_argon2_memory_kib = 64;
  limits.max_argon2_passes = 2;
  limits.max_argon2_parallelism = 2;
  (void)keys::parse_ppk(as_string_view(byte_view(data, size)), secret_string("pass"), limits);
  return 0;
}
