// KEXINIT parsing and negotiation against our defaults, in both roles: whatever parses
// must re-encode to the same bytes, and negotiation must never crash.
#include "transport/kexinit.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  auto m = transport::parse_kexinit(byte_view(data, size));
  if (!m) return 0;
  // Re-encoding gives a message that parses to the same lists (the boolean and reserved
  // field are normalised, so bytes may differ there).
  auto again = transport::parse_kexinit(transport::serialize_kexinit(*m));
  if (!again || again->kex != m->kex || again->mac_s2c != m->mac_s2c || again->language_s2c != m->language_s2c ||
      again->first_kex_packet_follows != m->first_kex_packet_follows) {
    std::abort();
  }
  transport::kexinit_message ours;
  const auto d = algorithm_preferences::defaults();
  ours.kex = d.kex;
  ours.host_key = d.host_key;
  ours.cipher_c2s = ours.cipher_s2c = d.cipher;
  ours.mac_c2s = ours.mac_s2c = d.mac;
  ours.compression_c2s = ours.compression_s2c = d.compression;
  (void)transport::negotiate(ours, *m, true);
  (void)transport::negotiate(*m, ours, false);
  return 0;
}
