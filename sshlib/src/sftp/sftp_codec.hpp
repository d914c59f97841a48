// Sans-IO codec of SFTP version 3 (draft-ietf-secsh-filexfer-02) with OpenSSH's extensions
// (openssh-portable PROTOCOL section 4): framing, and the encoding and decoding of every
// request and response. Bytes in, values or bytes out; no channels, so the client, the
// server and the fuzz target share one implementation.
//
// On the wire each packet is a uint32 length followed by that many bytes: a type byte and
// its body (draft section 3). Encoders return the whole framed packet; decoders take the
// payload, i.e. the bytes after the length prefix.
#pragma once

#include "sftp/sftp_limits.hpp"
#include "sftp/sftp_messages.hpp"
#include "sftp/sftp_packet_writer.hpp"

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace sshlib::sftp::protocol {

/// Reads a length prefix (the first frame_header_size bytes of `header`), to be called
/// before the payload is buffered. Errors: truncated (fewer than 4 bytes),
/// sftp_protocol_error (zero: a packet has at least its type byte), length_exceeds_limit
/// (above limits::max_packet_length).
result<std::size_t> decode_frame_header(byte_view header);

/// Decodes one request payload (what a server receives). Errors: sftp_unknown_message (a
/// type that is not a request of version 3: the server answers SSH_FX_OP_UNSUPPORTED, see
/// request_id), the reader's truncated, length_exceeds_limit (a field or count above its
/// cap in sftp_limits.hpp) and trailing_data, invalid_value (ATTRS flag bits version 3 does
/// not define; a users-groups-by-id list whose length is not a multiple of 4). The detail
/// names the message and the offset.
result<request> decode_request(byte_view payload);

/// Decodes one response payload (what a client receives). Errors: sftp_unknown_message (a
/// type that is not a response), and as decode_request. A STATUS may end after its code or
/// after its message (OpenSSH and older servers omit them): the missing strings are empty.
result<response> decode_response(byte_view payload);

/// The request id of a payload whose type carries one (every type but INIT and VERSION),
/// even when the rest does not decode: a server answers a malformed or unknown request with
/// a STATUS that names its id. nullopt when the payload is too short or has no id.
std::optional<std::uint32_t> request_id(byte_view payload) noexcept;

/// Encodes a request or a response as a framed packet. Errors: length_exceeds_limit (a
/// field or count above its cap, or a packet above limits::max_packet_length), invalid_value
/// (ATTRS with uid but no gid, atime but no mtime, or the reverse).
result<bytes> encode_request(const request& message);
result<bytes> encode_response(const response& message);

/// Parses the body of an EXTENDED_REPLY to the extension named `extension_name` (the name
/// of the request it answers): fs_info for statvfs@openssh.com and fstatvfs@openssh.com,
/// server_limits for limits@openssh.com, users_groups_reply for
/// users-groups-by-id@openssh.com, raw_extended_reply (a copy) for any other name. Errors:
/// the reader's codes; length_exceeds_limit for more names than limits::max_ids_per_request
/// or a name above limits::max_user_name_length.
result<extended_reply_body> decode_extended_reply(std::string_view extension_name, byte_view data);

/// The data of an EXTENDED_REPLY carrying `body` (for extended_reply::data). Errors:
/// length_exceeds_limit as decode_extended_reply would refuse.
result<bytes> encode_extended_reply(const extended_reply_body& body);

}  // namespace sshlib::sftp::protocol
