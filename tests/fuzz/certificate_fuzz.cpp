// OpenSSH certificates: parse (from a "type base64" line or a raw blob) and run every
// check of verify_certificate at both ends of its validity window, for both certificate
// types. Nothing may crash, leak or read out of bounds.
#include <sshlib/key.hpp>

#include "text_seed.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  bytes storage;
  const byte_view in = fuzz::decode_text_seed(byte_view(data, size), storage);
  auto k = key::from_public_blob(in);
  if (!k || !k->is_certificate()) return 0;
  const certificate* c = k->certificate();
  for (const auto type : {certificate_type::user, certificate_type::host}) {
    (void)k->verify_certificate(c->valid_after, type, "alice");
    (void)k->verify_certificate(c->valid_before, type, "");
  }
  (void)k->plain().fingerprint_sha256();
  return 0;
}
