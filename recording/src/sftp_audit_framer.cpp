#include "sftp_audit_framer.hpp"

#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_limits.hpp"

#include <algorithm>

namespace bastion::recording::sftp_detail {

namespace {

namespace protocol = sshlib::sftp::protocol;
namespace limits = protocol::limits;

// type, id, then (WRITE) the handle's length or (DATA) the data's length: what every bulk
// packet has before its size is known.
constexpr std::size_t bulk_fixed_size = 1 + 4 + 4;
// WRITE after its handle: uint64 offset, uint32 data length.
constexpr std::size_t write_tail_size = 8 + 4;

std::uint32_t load_u32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::string bulk_name(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(protocol::message_type::write) ? "SFTP WRITE"
                                                                          : "SFTP DATA";
}

}  // namespace

void sftp_framer::feed(sshlib::byte_view in) {
  while (!in.empty()) {
    bool go = false;
    switch (state_) {
      case state::length:
        go = read_length(in);
        break;
      case state::packet:
        go = read_packet(in);
        break;
      case state::bulk_data:
        go = read_bulk_data(in);
        break;
      case state::stopped:
        return;
    }
    if (!go) {
      state_ = state::stopped;
      return;
    }
  }
}

bool sftp_framer::read_length(sshlib::byte_view& in) {
  const std::size_t take = std::min(sizeof length_bytes_ - length_have_, in.size());
  std::copy_n(in.begin(), take, length_bytes_ + length_have_);
  length_have_ += take;
  in = in.subspan(take);
  if (length_have_ < sizeof length_bytes_) return true;
  length_have_ = 0;
  auto length = protocol::decode_frame_header(length_bytes_);
  if (!length) return fail(length.error().message());
  packet_length_ = *length;
  buffer_.clear();
  state_ = state::packet;
  return true;
}

bool sftp_framer::read_packet(sshlib::byte_view& in) {
  const std::uint8_t type = buffer_.empty() ? in.front() : buffer_.front();
  if (type != bulk_type_) {
    if (buffer_.empty() && in.size() >= packet_length_) {
      // The common case for small requests and replies: no copy.
      const auto payload = in.first(packet_length_);
      in = in.subspan(packet_length_);
      state_ = state::length;
      return handler_.on_packet(payload);
    }
    const std::size_t take = std::min(packet_length_ - buffer_.size(), in.size());
    buffer_.insert(buffer_.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(take));
    in = in.subspan(take);
    if (buffer_.size() < packet_length_) return true;
    state_ = state::length;
    return handler_.on_packet(buffer_);
  }
  // A bulk packet: gather its head, whose size is known once its fixed part has arrived
  // (the head may span several chunks, so it is worked out again from what is buffered).
  std::size_t head = bulk_fixed_size;
  for (;;) {
    head = bulk_fixed_size;
    if (buffer_.size() >= bulk_fixed_size && !bulk_head_size(head)) return false;
    if (head > packet_length_) {
      return fail(bulk_name(type) + " of " + std::to_string(packet_length_) +
                  " bytes: shorter than its fields before the data (" + std::to_string(head) +
                  " bytes)");
    }
    if (buffer_.size() >= head) break;
    const std::size_t take = std::min(head - buffer_.size(), in.size());
    if (take == 0) return true;
    buffer_.insert(buffer_.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(take));
    in = in.subspan(take);
  }
  const std::size_t data_length = load_u32(buffer_.data() + head - 4);
  if (data_length > limits::max_data_length) {
    return fail(bulk_name(type) + " data of " + std::to_string(data_length) + " bytes, above " +
                std::to_string(limits::max_data_length));
  }
  if (data_length != packet_length_ - head) {
    return fail(bulk_name(type) + " data of " + std::to_string(data_length) +
                " bytes in a packet with " + std::to_string(packet_length_ - head) +
                " bytes left for it");
  }
  data_left_ = data_length;
  state_ = data_left_ == 0 ? state::length : state::bulk_data;
  if (!handler_.on_bulk_head(buffer_, data_length)) return false;
  return data_left_ != 0 || handler_.on_bulk_end();
}

bool sftp_framer::read_bulk_data(sshlib::byte_view& in) {
  const std::size_t take = std::min(data_left_, in.size());
  const auto piece = in.first(take);
  in = in.subspan(take);
  data_left_ -= take;
  if (!handler_.on_bulk_data(piece)) return false;
  if (data_left_ != 0) return true;
  state_ = state::length;
  return handler_.on_bulk_end();
}

bool sftp_framer::bulk_head_size(std::size_t& size) {
  if (bulk_type_ != static_cast<std::uint8_t>(protocol::message_type::write)) {
    size = bulk_fixed_size;  // DATA: type, id, data length
    return true;
  }
  const std::size_t handle_length = load_u32(buffer_.data() + 5);
  if (handle_length > limits::max_handle_length) {
    return fail("SFTP WRITE handle of " + std::to_string(handle_length) + " bytes, above " +
                std::to_string(limits::max_handle_length));
  }
  size = bulk_fixed_size + handle_length + write_tail_size;
  return true;
}

bool sftp_framer::fail(std::string reason) {
  handler_.on_frame_error(std::move(reason));
  return false;
}

}  // namespace bastion::recording::sftp_detail
