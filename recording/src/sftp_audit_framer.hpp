// One direction of a relayed SFTP stream cut into packets (draft-ietf-secsh-filexfer-02
// section 3: uint32 length, then type byte and body), from chunks split anywhere.
//
// Bulk packets (WRITE from the client, DATA from the server) are not buffered: once their
// fixed fields have arrived (the "head", up to the data's length field) the framer reports
// the head, then streams the data in the pieces it arrives in, so the audit hashes it in
// place. Any other packet is handed over whole: as a view into the input when it arrived in
// one chunk, otherwise from a buffer that never holds more than one packet of at most
// sshlib's limits::max_packet_length.
#pragma once

#include <sshlib/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace bastion::recording::sftp_detail {

/// What a framer reports to. Each member returns false to stop the framer for good (the
/// audit gave up); the framer then reads nothing more.
class frame_handler {
 public:
  /// A whole packet that is not bulk: its payload (type byte onwards). Valid for the call.
  virtual bool on_packet(sshlib::byte_view payload) = 0;
  /// A bulk packet's head (type byte to the end of its data length field), whose data
  /// length the framer has checked: exactly the rest of the packet, at most
  /// limits::max_data_length. The data follows in on_bulk_data calls, then on_bulk_end.
  virtual bool on_bulk_head(sshlib::byte_view head, std::size_t data_length) = 0;
  virtual bool on_bulk_data(sshlib::byte_view piece) = 0;
  virtual bool on_bulk_end() = 0;
  /// The framing itself is broken (a zero or oversized length, a bulk head that does not
  /// fit its packet); `reason` says which. Nothing more is read.
  virtual void on_frame_error(std::string reason) = 0;

 protected:
  ~frame_handler() = default;
};

class sftp_framer {
 public:
  /// `bulk_type`: the message type streamed rather than buffered (WRITE or DATA).
  sftp_framer(std::uint8_t bulk_type, frame_handler& handler) noexcept
      : bulk_type_(bulk_type), handler_(handler) {}

  /// Reads `in` to its end (or until the handler stops the framer).
  void feed(sshlib::byte_view in);

  bool stopped() const noexcept { return state_ == state::stopped; }

 private:
  enum class state : std::uint8_t { length, packet, bulk_data, stopped };

  bool read_length(sshlib::byte_view& in);
  bool read_packet(sshlib::byte_view& in);
  bool read_bulk_data(sshlib::byte_view& in);
  /// Bytes of the bulk head once its size is known from buffer_; 0 while it is not.
  bool bulk_head_size(std::size_t& size);
  bool fail(std::string reason);

  std::uint8_t bulk_type_;
  frame_handler& handler_;
  state state_ = state::length;
  std::uint8_t length_bytes_[4] = {};
  std::size_t length_have_ = 0;
  std::size_t packet_length_ = 0;  // the current packet's, length prefix excluded
  std::size_t data_left_ = 0;      // bulk data still to come
  sshlib::bytes buffer_;           // the current packet (or bulk head) so far
};

}  // namespace bastion::recording::sftp_detail
