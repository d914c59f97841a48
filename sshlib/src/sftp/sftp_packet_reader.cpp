#include "sftp/sftp_packet_reader.hpp"

namespace sshlib::sftp::protocol {

bool packet_reader::count(std::uint32_t& out, std::size_t cap, std::size_t min_entry_size,
                          std::string_view what) {
  if (!u32(out)) return false;
  if (out > cap) {
    return fail(errc::length_exceeds_limit,
                std::to_string(out) + " " + std::string(what) + ", above " + std::to_string(cap));
  }
  // out <= cap, so the product cannot overflow for any sane cap and entry size.
  if (std::size_t{out} * min_entry_size > remaining()) {
    return fail(errc::truncated, std::to_string(out) + " " + std::string(what) + " announced, " +
                                     std::to_string(remaining()) + " bytes left");
  }
  return true;
}

bool packet_reader::fail(boost::system::error_code code, std::string detail) {
  if (ok()) {
    own_failure_ = true;
    own_code_ = code;
    own_detail_ = std::move(detail);
    own_offset_ = r_.offset();
  }
  return false;
}

error packet_reader::failure(std::string_view what) const {
  if (own_failure_) {
    return error{own_code_, std::string(what) + ": " + own_detail_ + " (at byte " + std::to_string(own_offset_) + ")"};
  }
  if (!r_.ok()) {
    return error{r_.error(), std::string(what) + " (at byte " + std::to_string(r_.error_offset()) + ")"};
  }
  return error{errc::sftp_protocol_error, std::string(what)};
}

}  // namespace sshlib::sftp::protocol
