// Framing (draft section 3) and what the request and response codecs share.
#include "sftp/sftp_codec.hpp"

#include "sftp/sftp_codec_detail.hpp"
#include "wire/reader.hpp"

#include <string>

namespace sshlib::sftp::protocol {

namespace detail {

std::string message_name(message_type type) {
  switch (type) {
    case message_type::init: return "SFTP INIT";
    case message_type::version: return "SFTP VERSION";
    case message_type::open: return "SFTP OPEN";
    case message_type::close: return "SFTP CLOSE";
    case message_type::read: return "SFTP READ";
    case message_type::write: return "SFTP WRITE";
    case message_type::lstat: return "SFTP LSTAT";
    case message_type::fstat: return "SFTP FSTAT";
    case message_type::setstat: return "SFTP SETSTAT";
    case message_type::fsetstat: return "SFTP FSETSTAT";
    case message_type::opendir: return "SFTP OPENDIR";
    case message_type::readdir: return "SFTP READDIR";
    case message_type::remove: return "SFTP REMOVE";
    case message_type::mkdir: return "SFTP MKDIR";
    case message_type::rmdir: return "SFTP RMDIR";
    case message_type::realpath: return "SFTP REALPATH";
    case message_type::stat: return "SFTP STAT";
    case message_type::rename: return "SFTP RENAME";
    case message_type::readlink: return "SFTP READLINK";
    case message_type::symlink: return "SFTP SYMLINK";
    case message_type::status: return "SFTP STATUS";
    case message_type::handle: return "SFTP HANDLE";
    case message_type::data: return "SFTP DATA";
    case message_type::name: return "SFTP NAME";
    case message_type::attrs: return "SFTP ATTRS";
    case message_type::extended: return "SFTP EXTENDED";
    case message_type::extended_reply: return "SFTP EXTENDED_REPLY";
  }
  return "SFTP message type " + std::to_string(static_cast<int>(type));
}

}  // namespace detail

result<std::size_t> decode_frame_header(byte_view header) {
  wire::reader r(header);
  std::uint32_t length = 0;
  if (!r.read_u32(length)) return error{r.error(), "SFTP packet length"};
  if (length == 0) return error{errc::sftp_protocol_error, "SFTP packet of length 0 (no type byte)"};
  if (length > limits::max_packet_length) {
    return error{errc::length_exceeds_limit, "SFTP packet of " + std::to_string(length) + " bytes, above " +
                                                 std::to_string(limits::max_packet_length)};
  }
  return static_cast<std::size_t>(length);
}

std::optional<std::uint32_t> request_id(byte_view payload) noexcept {
  wire::reader r(payload);
  std::uint8_t type = 0;
  std::uint32_t id = 0;
  if (!r.read_byte(type) || type == static_cast<std::uint8_t>(message_type::init) ||
      type == static_cast<std::uint8_t>(message_type::version) || !r.read_u32(id)) {
    return std::nullopt;
  }
  return id;
}

}  // namespace sshlib::sftp::protocol
