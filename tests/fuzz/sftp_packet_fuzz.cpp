// One SFTP packet payload (the bytes after the length prefix) through every decoder: as a
// request (what a server parses), as a response (what a client parses) and as the body of
// each typed EXTENDED_REPLY. None may crash; whatever decodes must encode again and decode
// back to the same value (values, not bytes: a bare STATUS or an empty EXTENDED count has a
// longer canonical form).
#include "sftp/sftp_codec.hpp"

#include <cstdlib>
#include <string_view>

namespace {

using namespace sshlib;
using namespace sshlib::sftp::protocol;

sshlib::byte_view payload(const bytes& framed) { return byte_view(framed).subspan(frame_header_size); }

template <class Message>
void check_round_trip(const Message& decoded, result<bytes> (*encode)(const Message&),
                      result<Message> (*decode)(byte_view)) {
  auto framed = encode(decoded);
  if (!framed) std::abort();
  auto back = decode(payload(*framed));
  if (!back || !(*back == decoded)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_view in(data, size);
  (void)decode_frame_header(in);
  (void)request_id(in);
  if (auto req = decode_request(in)) check_round_trip<request>(*req, &encode_request, &decode_request);
  if (auto resp = decode_response(in)) check_round_trip<response>(*resp, &encode_response, &decode_response);
  for (std::string_view name : {"statvfs@openssh.com", "limits@openssh.com", "users-groups-by-id@openssh.com"}) {
    auto body = decode_extended_reply(name, in);
    if (!body) continue;
    auto again = encode_extended_reply(*body);
    if (!again) std::abort();
    auto back = decode_extended_reply(name, *again);
    if (!back || !(*back == *body)) std::abort();
  }
  return 0;
}
