// key::from_public_blob on arbitrary bytes (a seed line "type base64" is decoded first so
// that seeds can be text). A blob that parses must re-encode to itself, and signature
// parsing with the key must fail cleanly.
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
  if (!k) return 0;
  const bytes again = k->public_blob();
  if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
  (void)k->fingerprint_md5();
  (void)k->public_pem();
  if (k->verify(in, in)) std::abort();  // a key blob is never a valid signature over itself
  return 0;
}
