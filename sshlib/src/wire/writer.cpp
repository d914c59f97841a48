#include "wire/writer.hpp"

#include <limits>
#include <stdexcept>

namespace sshlib::wire {

template <class Container>
void basic_writer<Container>::write_u32(std::uint32_t v) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                             static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  out_.insert(out_.end(), b, b + 4);
}

template <class Container>
void basic_writer<Container>::write_u64(std::uint64_t v) {
  write_u32(static_cast<std::uint32_t>(v >> 32));
  write_u32(static_cast<std::uint32_t>(v));
}

template <class Container>
void basic_writer<Container>::write_string(byte_view s) {
  if (s.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("sshlib::wire: string longer than 2^32-1 bytes");
  }
  write_u32(static_cast<std::uint32_t>(s.size()));
  write_raw(s);
}

template <class Container>
void basic_writer<Container>::write_string(std::string_view s) {
  write_string(as_bytes(s));
}

template <class Container>
void basic_writer<Container>::write_mpint(const mpint& v) {
  const bytes body = encode_mpint_body(v);
  write_string(byte_view(body));
}

template <class Container>
void basic_writer<Container>::write_unsigned_mpint(byte_view big_endian) {
  std::size_t skip = 0;
  while (skip < big_endian.size() && big_endian[skip] == 0) ++skip;
  const byte_view mag = big_endian.subspan(skip);
  const bool pad = !mag.empty() && (mag[0] & 0x80) != 0;
  write_u32(static_cast<std::uint32_t>(mag.size() + (pad ? 1 : 0)));
  if (pad) out_.push_back(0x00);
  write_raw(mag);
}

template <class Container>
void basic_writer<Container>::write_name_list(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) {
    if (!joined.empty()) joined.push_back(',');
    joined += n;
  }
  write_string(std::string_view(joined));
}

template class basic_writer<bytes>;
template class basic_writer<secure_bytes>;

}  // namespace sshlib::wire
