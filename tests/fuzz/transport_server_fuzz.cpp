// A whole server-side transport before authentication, fed arbitrary client bytes: version
// line, KEXINIT, key exchange messages. It must answer or fail cleanly, never crash or grow
// without bound.
#include "transport/transport_machine.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  static const key host = generate_key(key_type::ed25519).value();
  transport::transport_settings s;
  s.side = transport::role::server;
  s.host_keys = {host};
  auto m = transport::transport_machine::create(std::move(s)).value();
  (void)m->start();
  (void)m->take_output();
  // Feed in two halves so that partial packets are exercised too.
  const std::size_t half = size / 2;
  for (auto [p, n] : {std::pair{data, half}, std::pair{data + half, size - half}}) {
    auto space = m->prepare_input(n);
    std::copy(p, p + n, space.begin());
    m->commit_input(n);
    if (!m->process()) break;
    if (m->take_output().size() > 1024 * 1024) std::abort();
  }
  while (m->next_packet()) {
  }
  return 0;
}
