// One agent message payload (the bytes after the length prefix) through every decoder: the
// request parser the server uses and the reply parsers the client uses. None may crash; a
// request that decodes must survive re-encoding (byte for byte where the encoding is unique).
#include "agent/agent_codec.hpp"

#include <algorithm>
#include <cstdlib>

namespace {

using namespace sshlib;
namespace proto = agent_protocol;

template <class Container>
void expect_same_payload(const result<Container>& framed, byte_view in) {
  if (!framed || !std::equal(framed->begin() + proto::frame_header_size, framed->end(), in.begin(), in.end())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_view in(data, size);
  (void)proto::decode_frame_header(in);
  (void)proto::decode_identities_answer(in);
  (void)proto::decode_sign_response(in);
  (void)proto::decode_status(in);
  auto req = proto::decode_request(in);
  if (!req) return 0;
  if (const auto* sign = std::get_if<proto::sign_request>(&*req)) {
    expect_same_payload(proto::encode_sign_request(sign->key_blob, sign->data, sign->flags), in);
  } else if (const auto* remove = std::get_if<proto::remove_identity_request>(&*req)) {
    expect_same_payload(proto::encode_remove_identity(remove->key_blob), in);
  } else if (const auto* lock = std::get_if<proto::lock_request>(&*req)) {
    expect_same_payload(proto::encode_lock(lock->passphrase), in);
  } else if (const auto* ext = std::get_if<proto::extension_request>(&*req)) {
    // Any non-zero byte is TRUE, so compare values, not bytes.
    if (auto bind = proto::decode_session_bind(ext->contents)) {
      auto back = proto::decode_session_bind(proto::encode_session_bind(*bind));
      if (!back || back->host_key != bind->host_key || back->session_id != bind->session_id ||
          back->signature != bind->signature || back->is_forwarding != bind->is_forwarding) {
        std::abort();
      }
    }
  } else if (const auto* add = std::get_if<proto::add_identity_request>(&*req)) {
    // Constraints may come in any order, so compare the decoded values.
    auto again = proto::encode_add_identity(add->private_key, add->private_key.comment(), add->constraints);
    if (!again) std::abort();
    auto back = proto::decode_request(byte_view(*again).subspan(proto::frame_header_size));
    const auto* add2 = back ? std::get_if<proto::add_identity_request>(&*back) : nullptr;
    if (add2 == nullptr || !add2->private_key.equals(add->private_key) || add2->constraints != add->constraints ||
        add2->private_key.comment() != add->private_key.comment()) {
      std::abort();
    }
  }
  return 0;
}
