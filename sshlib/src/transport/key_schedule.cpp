#include "transport/key_schedule.hpp"

namespace sshlib::transport {

secure_bytes derive_key(crypto::digest_algorithm hash, const secure_bytes& shared_secret, byte_view exchange_hash,
                        char letter, byte_view session_id, std::size_t length) {
  crypto::hasher h(hash);
  const byte_view k(shared_secret.data(), shared_secret.size());
  const std::uint8_t x = static_cast<std::uint8_t>(letter);
  h.update(k).update(exchange_hash).update(byte_view(&x, 1)).update(session_id);
  bytes block = h.finish();
  secure_bytes out(block.begin(), block.end());
  secure_wipe(block.data(), block.size());
  while (out.size() < length) {
    h.update(k).update(exchange_hash).update(byte_view(out.data(), out.size()));
    block = h.finish();
    out.insert(out.end(), block.begin(), block.end());
    secure_wipe(block.data(), block.size());
  }
  out.resize(length);
  return out;
}

}  // namespace sshlib::transport
