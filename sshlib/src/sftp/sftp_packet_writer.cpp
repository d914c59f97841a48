#include "sftp/sftp_packet_writer.hpp"

namespace sshlib::sftp::protocol {

packet_writer::packet_writer(std::uint8_t type) : out_(frame_header_size, 0), w_(out_) { w_.write_byte(type); }

void packet_writer::string(byte_view s, std::size_t cap, std::string_view what) {
  if (s.size() > cap) {
    fail(errc::length_exceeds_limit,
         std::string(what) + " of " + std::to_string(s.size()) + " bytes, above " + std::to_string(cap));
    return;
  }
  if (!failed_) w_.write_string(s);
}

void packet_writer::fail(errc code, std::string detail) {
  if (!failed_) {
    failed_ = true;
    failure_ = error{code, std::move(detail)};
  }
}

void packet_writer::check_count(std::size_t n, std::size_t cap, std::string_view what) {
  if (n > cap) {
    fail(errc::length_exceeds_limit, std::to_string(n) + " " + std::string(what) + ", above " + std::to_string(cap));
  }
}

result<bytes> packet_writer::finish() && {
  if (failed_) return std::move(failure_);
  const std::size_t length = out_.size() - frame_header_size;
  if (length > limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "SFTP packet of " + std::to_string(length) + " bytes, above " +
                                                 std::to_string(limits::max_packet_length)};
  }
  for (std::size_t i = 0; i < frame_header_size; ++i) {
    out_[i] = static_cast<std::uint8_t>(length >> (8 * (frame_header_size - 1 - i)));
  }
  return std::move(out_);
}

}  // namespace sshlib::sftp::protocol
