// OpenSSH certificates: parse (from a "type base64" line or a raw blob) and run every
// check of verify_certificate. Nothing may crash, and the CA signature of a mutated
// certificate must never verify unless the signed part is unchanged.
#include <sshlib/key.hpp>

#include "keys/base64.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  byte_view in(data, size);
  bytes decoded;
  const std::string_view text = as_string_view(in);
  const auto sp = text.find(' ');
  if (sp != std::string_view::npos && sp < 64) {
    const auto end = text.find_first_of(" \n", sp + 1);
    if (auto d = keys::base64_decode(text.substr(sp + 1, end == std::string_view::npos ? end : end - sp - 1))) {
      decoded = std::move(*d);
      in = decoded;
    }
  }
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
