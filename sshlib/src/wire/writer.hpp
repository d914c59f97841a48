// Writes RFC 4251 section 5 data types by appending to a byte container. Works on bytes
// and on secure_bytes (for secrets such as the shared secret K fed to the exchange hash).
#pragma once

#include "wire/mpint.hpp"

#include <sshlib/bytes.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib::wire {

template <class Container>
class basic_writer {
public:
  explicit basic_writer(Container& out) noexcept : out_(out) {}

  void write_byte(std::uint8_t v) { out_.push_back(v); }
  void write_bool(bool v) { out_.push_back(v ? 1 : 0); }
  void write_u32(std::uint32_t v);
  void write_u64(std::uint64_t v);
  /// Precondition: s.size() fits in 32 bits (checked; throws std::length_error otherwise,
  /// which is a programming error: nothing we send is that large).
  void write_string(byte_view s);
  void write_string(std::string_view s);
  /// Canonical two's-complement encoding.
  void write_mpint(const mpint& v);
  /// A non-negative integer given as a big-endian magnitude (leading zeros allowed).
  void write_unsigned_mpint(byte_view big_endian);
  /// Joins names with commas. Precondition: no name is empty or contains a comma.
  void write_name_list(const std::vector<std::string>& names);
  void write_raw(byte_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

  Container& container() noexcept { return out_; }

private:
  Container& out_;
};

extern template class basic_writer<bytes>;
extern template class basic_writer<secure_bytes>;

using writer = basic_writer<bytes>;
using secure_writer = basic_writer<secure_bytes>;

}  // namespace sshlib::wire
