// key::from_public_blob on arbitrary bytes (a seed line "type base64" is decoded first so
// that seeds can be text). A blob that parses must re-encode to itself, and signature
// parsing with the key must fail cleanly.
#include <sshlib/key.hpp>

#include "text_seed.hpp"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  bytes storage;
  const byte_view in = fuzz::decode_text_seed(byte_view(data, size), storage);
  auto k = key::from_public_blob(in);
  if (!k) return 0;
  const bytes again = k->public_blob();
  if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
  (void)k->fingerprint_md5();
  (void)k->public_pem();
  if (k->verify(in, in)) std::abort();  // a key blob is never a valid signature over itself
  return 0;
}
