// A sticky reader for SFTP packet bodies: wire::reader plus the failures only the SFTP layer
// can see (a count above its cap, an unknown ATTRS flag). The first failure, whichever
// layer found it, is kept with its offset and every later read fails, so a message parser
// chains reads with && and turns the outcome into one error at the end.
#pragma once

#include "sftp/sftp_limits.hpp"
#include "wire/reader.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sshlib::sftp::protocol {

class packet_reader {
public:
  explicit packet_reader(byte_view data) noexcept : r_(data) {}

  bool byte(std::uint8_t& out) noexcept { return ok() && r_.read_byte(out); }
  bool u32(std::uint32_t& out) noexcept { return ok() && r_.read_u32(out); }
  bool u64(std::uint64_t& out) noexcept { return ok() && r_.read_u64(out); }
  /// A string of at most `cap` bytes (length_exceeds_limit above, truncated when shorter
  /// than declared).
  bool string(std::string& out, std::size_t cap) { return ok() && r_.read_string(out, cap); }
  bool string(bytes& out, std::size_t cap) { return ok() && r_.read_string(out, cap); }
  bool string(byte_view& out, std::size_t cap) noexcept { return ok() && r_.read_string(out, cap); }

  bool path(std::string& out) { return string(out, limits::max_path_length); }
  bool handle(bytes& out) { return string(out, limits::max_handle_length); }

  /// A uint32 count of entries that each take at least `min_entry_size` bytes: above `cap`
  /// is length_exceeds_limit, more than the bytes left could hold is truncated. Checked
  /// before the caller reserves room for them.
  bool count(std::uint32_t& out, std::size_t cap, std::size_t min_entry_size, std::string_view what);

  /// Takes every byte left (the untyped tail of an extended request or reply).
  bool take_rest(bytes& out) {
    byte_view tail;
    if (!ok() || !r_.read_raw(tail, r_.remaining())) return false;
    out.assign(tail.begin(), tail.end());
    return true;
  }

  /// Fails with trailing_data unless every byte has been consumed.
  bool end() noexcept { return ok() && r_.expect_end(); }

  /// Records a failure the wire layer cannot see (the first one wins).
  bool fail(errc code, std::string detail) { return fail(make_error_code(code), std::move(detail)); }
  bool fail(boost::system::error_code code, std::string detail);

  bool ok() const noexcept { return r_.ok() && !own_failure_; }
  bool at_end() const noexcept { return r_.remaining() == 0; }
  std::size_t remaining() const noexcept { return r_.remaining(); }

  /// The failure as an error whose detail names `what` (the message being parsed), the
  /// reason and the offset. Precondition: !ok().
  error failure(std::string_view what) const;

private:
  wire::reader r_;
  bool own_failure_ = false;
  boost::system::error_code own_code_;
  std::string own_detail_;
  std::size_t own_offset_ = 0;
};

}  // namespace sshlib::sftp::protocol
