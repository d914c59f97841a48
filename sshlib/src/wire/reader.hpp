// Reads RFC 4251 section 5 data types from a byte span, bounds-checked.
//
// Each read_* returns true on success. On the first failure the reader records an error
// code and the offset where it happened, and every later read fails too (a "sticky" error),
// so a message parser can chain reads with && and check once. Nothing is ever read past the
// span's end, and no length from the input is trusted before it is compared with both the
// bytes left and a cap from limits.hpp.
#pragma once

#include "wire/limits.hpp"
#include "wire/mpint.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib::wire {

class reader {
public:
  explicit reader(byte_view data) noexcept : data_(data) {}

  bool read_byte(std::uint8_t& out) noexcept;
  /// RFC 4251: any non-zero byte is TRUE.
  bool read_bool(bool& out) noexcept;
  bool read_u32(std::uint32_t& out) noexcept;
  bool read_u64(std::uint64_t& out) noexcept;

  /// A string's bytes, as a view into the input (no copy). Fails with length_exceeds_limit
  /// when the declared length is above max_len, truncated when fewer bytes remain.
  bool read_string(byte_view& out, std::size_t max_len = limits::max_string_length) noexcept;
  bool read_string(std::string_view& out, std::size_t max_len = limits::max_string_length) noexcept;
  /// Copies the string out.
  bool read_string(std::string& out, std::size_t max_len = limits::max_string_length);
  bool read_string(bytes& out, std::size_t max_len = limits::max_string_length);

  /// A canonical mpint of at most max_bytes encoded bytes.
  bool read_mpint(mpint& out, std::size_t max_bytes = limits::max_mpint_bytes);
  /// A canonical, non-negative mpint; out is its magnitude (view into the input, no leading
  /// zero, empty for zero).
  bool read_unsigned_mpint(byte_view& out, std::size_t max_bytes = limits::max_mpint_bytes) noexcept;

  /// A name-list: comma-separated, non-empty names of printable US-ASCII without commas,
  /// each at most limits::max_name_length long. An empty string is an empty list.
  bool read_name_list(std::vector<std::string>& out,
                      std::size_t max_len = limits::max_name_list_length);

  /// n raw bytes without a length prefix.
  bool read_raw(byte_view& out, std::size_t n) noexcept;
  bool skip(std::size_t n) noexcept;
  /// Fails with trailing_data unless every byte has been consumed.
  bool expect_end() noexcept;

  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  std::size_t offset() const noexcept { return pos_; }
  byte_view rest() const noexcept { return data_.subspan(pos_); }

  bool ok() const noexcept { return !ec_; }
  explicit operator bool() const noexcept { return ok(); }
  boost::system::error_code error() const noexcept { return ec_; }
  /// Offset of the field whose read failed (meaningful only when !ok()).
  std::size_t error_offset() const noexcept { return error_offset_; }

private:
  bool fail(errc e) noexcept;
  bool take(std::size_t n, byte_view& out) noexcept;

  byte_view data_;
  std::size_t pos_ = 0;
  boost::system::error_code ec_;
  std::size_t error_offset_ = 0;
};

}  // namespace sshlib::wire
