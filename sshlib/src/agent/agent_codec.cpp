#include "agent/agent_codec.hpp"

#include "keys/key_impl.hpp"
#include "keys/private_fields.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace sshlib::agent_proto {
namespace {

error refused() { return {errc::agent_failure, "the agent answered SSH_AGENT_FAILURE"}; }

result<wire::reader> open(byte_view m, std::uint8_t expected, std::string_view what) {
  if (m.empty()) return error{errc::protocol_error, "empty agent message"};
  if (m[0] == failure) return refused();
  if (m[0] != expected) return error{errc::protocol_error, "expected " + std::string(what) + ", got message " + std::to_string(m[0])};
  return wire::reader(m.subspan(1));
}

}  // namespace

bytes frame(byte_view message) {
  bytes out;
  wire::writer(out).write_string(message);
  return out;
}

result<std::uint32_t> frame_length(byte_view prefix) {
  wire::reader r(prefix);
  std::uint32_t n = 0;
  if (!r.read_u32(n)) return error{errc::truncated, "agent message length"};
  if (n == 0) return error{errc::invalid_value, "empty agent message"};
  if (n > max_message) return error{errc::length_exceeds_limit, "agent message of " + std::to_string(n) + " bytes"};
  return n;
}

bytes make_request_identities() { return bytes{request_identities}; }

bytes make_sign_request(byte_view key_blob, byte_view data, std::uint32_t flags) {
  bytes m;
  wire::writer w(m);
  w.write_byte(sign_request);
  w.write_string(key_blob);
  w.write_string(data);
  w.write_u32(flags);
  return m;
}

result<bytes> make_add_identity(const key& private_key) {
  if (!private_key.is_private()) return error{errc::not_a_private_key, "adding a key to an agent"};
  secure_bytes fields;
  wire::secure_writer w(fields);
  keys::write_private_fields(w, private_key.impl());
  w.write_string(private_key.comment());
  bytes m{add_identity};
  m.insert(m.end(), fields.begin(), fields.end());
  return m;
}

result<std::vector<identity>> parse_identities_answer(byte_view message) {
  auto r = open(message, identities_answer, "IDENTITIES_ANSWER");
  if (!r) return r.error();
  std::uint32_t count = 0;
  if (!r->read_u32(count)) return error{errc::protocol_error, "malformed IDENTITIES_ANSWER"};
  if (count > max_identities) return error{errc::length_exceeds_limit, std::to_string(count) + " agent identities"};
  std::vector<identity> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    identity id;
    if (!r->read_string(id.blob, 16 * 1024) || !r->read_string(id.comment, 4096)) {
      return error{errc::protocol_error, "malformed IDENTITIES_ANSWER entry " + std::to_string(i)};
    }
    out.push_back(std::move(id));
  }
  if (!r->expect_end()) return error{errc::protocol_error, "trailing bytes in IDENTITIES_ANSWER"};
  return out;
}

result<bytes> parse_sign_response(byte_view message) {
  auto r = open(message, sign_response, "SIGN_RESPONSE");
  if (!r) return r.error();
  bytes sig;
  if (!r->read_string(sig, 16 * 1024) || !r->expect_end()) return error{errc::protocol_error, "malformed SIGN_RESPONSE"};
  return sig;
}

result<void> parse_success(byte_view message) {
  if (message.size() == 1 && message[0] == success) return {};
  if (!message.empty() && message[0] == failure) return refused();
  return error{errc::protocol_error, "expected SUCCESS from the agent"};
}

}  // namespace sshlib::agent_proto
