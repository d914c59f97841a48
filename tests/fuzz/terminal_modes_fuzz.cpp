// Terminal modes of a pty-req (RFC 4254 section 8): decoding must fail cleanly on any bytes,
// what decodes must survive an encode/decode round trip, and applying it to a termios must
// not misbehave.
#include <sshlib/terminal_modes.hpp>
#include <sshlib/terminal_modes_posix.hpp>

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto modes = sshlib::decode_terminal_modes(sshlib::byte_view(data, size));
  if (!modes) return 0;
  const auto again = sshlib::decode_terminal_modes(sshlib::encode_terminal_modes(*modes));
  if (!again || *again != *modes) std::abort();
  termios t;
  std::memset(&t, 0, sizeof t);
  (void)sshlib::apply_terminal_modes(t, *modes);
  return 0;
}
