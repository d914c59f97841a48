// The binary packet decoder on arbitrary bytes: the first input byte chooses whether zlib
// decompression is on; every outcome must be a payload, "need more" or a clean error.
#include "transport/packet_codec.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  if (size == 0) return 0;
  transport::packet_opener opener;
  if (data[0] & 1) opener.enable_compression(transport::decompressor::create().value());
  opener.push(byte_view(data + 1, size - 1));
  for (int i = 0; i < 1000; ++i) {
    auto r = opener.next();
    if (!r || !*r) break;
    if ((*r)->size() > 256 * 1024) std::abort();  // the decompression cap held
  }
  return 0;
}
