// parse_key on arbitrary bytes, with no passphrase and with "x". The KDF caps are tiny so
// that no input can make one execution slow; whatever parses must survive a round trip.
#include <sshlib/key.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  key_parse_options opts;
  opts.max_kdf_rounds = 1;
  opts.max_pbkdf2_iterations = 64;
  const byte_view in(data, size);
  for (const char* pass : {"", "x"}) {
    auto k = parse_key(in, pass, opts);
    if (!k) continue;
    const bytes blob = k->public_blob();
    auto again = key::from_public_blob(blob);
    if (!again || !again->equals(*k)) std::abort();
    (void)k->fingerprint_sha256();
    (void)k->public_ssh();
    if (k->is_private()) {
      auto text = k->private_openssh();
      if (!text) std::abort();
      auto back = parse_key(as_bytes(text->view()), {}, opts);
      if (!back || !back->equals(*k)) std::abort();
    }
  }
  return 0;
}
