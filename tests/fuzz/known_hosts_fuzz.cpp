// known_hosts text: parsing never fails on a line (bad lines become warnings), and checking
// a fixed key against any parsed file terminates cleanly.
#include <sshlib/known_hosts.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  static const key probe = generate_key(key_type::ed25519).value();
  auto kh = known_hosts::parse(as_string_view(byte_view(data, size)));
  if (kh) {
    (void)kh->check("host.example", 22, probe, 1);
    (void)kh->check("10.1.2.3", 2222, probe, 1);
  }
  return 0;
}
