// RFC 4716 public key files: whatever parses must write back and parse to the same key.
#include "keys/rfc4716.hpp"

#include <sshlib/key.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  auto k = parse_key(byte_view(data, size));
  if (!k || as_string_view(byte_view(data, size)).find(keys::rfc4716_begin) == std::string_view::npos) return 0;
  auto again = parse_key(as_bytes(k->public_rfc4716()));
  if (!again || !again->equals(*k)) std::abort();
  return 0;
}
