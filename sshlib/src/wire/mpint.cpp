#include "wire/mpint.hpp"

#include <algorithm>

namespace sshlib::wire {

mpint mpint::from_unsigned(byte_view big_endian) {
  auto first = std::find_if(big_endian.begin(), big_endian.end(),
                            [](std::uint8_t b) { return b != 0; });
  return mpint{false, bytes(first, big_endian.end())};
}

bytes encode_mpint_body(const mpint& v) {
  // Strip any leading zeros the caller left in the magnitude.
  auto first = std::find_if(v.magnitude.begin(), v.magnitude.end(),
                            [](std::uint8_t b) { return b != 0; });
  bytes mag(first, v.magnitude.end());
  if (mag.empty()) return {};  // zero is the empty string, whatever the sign flag says
  if (!v.negative) {
    if (mag[0] & 0x80) mag.insert(mag.begin(), 0x00);
    return mag;
  }
  // Two's complement of the magnitude: invert and add one.
  for (auto& b : mag) b = static_cast<std::uint8_t>(~b);
  for (auto it = mag.rbegin(); it != mag.rend(); ++it) {
    if (++*it != 0) break;
  }
  // Keep the sign bit set with exactly one leading 0xff where needed, none where not.
  if ((mag[0] & 0x80) == 0) mag.insert(mag.begin(), 0xff);
  while (mag.size() >= 2 && mag[0] == 0xff && (mag[1] & 0x80) != 0) mag.erase(mag.begin());
  return mag;
}

}  // namespace sshlib::wire
