// frame_buffer: see sftp_frame_buffer.hpp.
#include "sftp/sftp_frame_buffer.hpp"

#include "sftp/sftp_codec.hpp"

#include <algorithm>
#include <cstring>

namespace sshlib::sftp::protocol {

std::span<std::uint8_t> frame_buffer::prepare() {
  if (start_ > 0) {
    std::memmove(data_.data(), data_.data() + start_, used_ - start_);
    used_ -= start_;
    start_ = 0;
  }
  const std::size_t want = used_ + std::max(read_chunk, needed_ > used_ ? needed_ - used_ : 0);
  if (data_.size() < want) data_.resize(want);
  return {data_.data() + used_, data_.size() - used_};
}

result<std::optional<byte_view>> frame_buffer::next() {
  const std::size_t available = used_ - start_;
  if (available < frame_header_size) return std::optional<byte_view>{};
  auto length = decode_frame_header(byte_view(data_.data() + start_, frame_header_size));
  if (!length) return length.error();
  const std::size_t whole = frame_header_size + *length;
  if (available < whole) {
    needed_ = whole;
    return std::optional<byte_view>{};
  }
  const byte_view payload(data_.data() + start_ + frame_header_size, *length);
  start_ += whole;
  needed_ = 0;
  return std::optional<byte_view>{payload};
}

}  // namespace sshlib::sftp::protocol
