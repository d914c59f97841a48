#include "agent/agent_codec.hpp"

#include "agent/agent_message.hpp"
#include "keys/wire_errors.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <string>

namespace sshlib::agent_protocol {
namespace {

// Some agents (old ssh.com ones) answer with this number instead of SSH_AGENT_FAILURE;
// OpenSSH's client accepts it too.
constexpr std::uint8_t ssh_com_agent2_failure = 102;

error protocol_error(const wire::reader& r, std::string_view what) {
  return keys::read_failure(r, "agent " + std::string(what), errc::agent_protocol_error);
}

result<request> decode_sign(wire::reader& r) {
  sign_request req;
  std::uint32_t flags = 0;
  if (!r.read_string(req.key_blob, limits::max_key_blob) || !r.read_string(req.data, limits::max_message_length) ||
      !r.read_u32(flags) || !r.expect_end()) {
    return protocol_error(r, "sign request");
  }
  req.flags = static_cast<sign_flags>(flags);
  return request{std::move(req)};
}

result<request> decode_remove(wire::reader& r) {
  remove_identity_request req;
  if (!r.read_string(req.key_blob, limits::max_key_blob) || !r.expect_end()) {
    return protocol_error(r, "remove identity request");
  }
  return request{std::move(req)};
}

result<secret_string> decode_passphrase(wire::reader& r) {
  byte_view pass;
  if (!r.read_string(pass, limits::max_passphrase) || !r.expect_end()) return protocol_error(r, "lock passphrase");
  return secret_string(as_string_view(pass));
}

result<request> decode_extension(wire::reader& r) {
  extension_request req;
  if (!r.read_string(req.name, limits::max_extension_name)) return protocol_error(r, "extension name");
  const byte_view rest = r.rest();
  req.contents.assign(rest.begin(), rest.end());
  return request{std::move(req)};
}

// Requests without a body must not carry one either.
template <class Request>
result<request> decode_empty(wire::reader& r, std::string_view what) {
  if (!r.expect_end()) return protocol_error(r, what);
  return request{Request{}};
}

result<std::uint8_t> read_type(wire::reader& r) {
  std::uint8_t type = 0;
  if (!r.read_byte(type)) return protocol_error(r, "message type");
  return type;
}

bool is_failure(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(message_type::failure) ||
         type == static_cast<std::uint8_t>(message_type::extension_failure) || type == ssh_com_agent2_failure;
}

// Reads the type byte of a response and checks it is `expected`.
result<void> expect_response(wire::reader& r, message_type expected) {
  auto type = read_type(r);
  if (!type) return std::move(type).error();
  if (*type == static_cast<std::uint8_t>(expected)) return {};
  if (is_failure(*type)) return error{errc::agent_failure};
  return error{errc::agent_protocol_error, "agent answered message type " + std::to_string(*type) + ", expected " +
                                               std::to_string(static_cast<int>(expected))};
}

}  // namespace

result<std::size_t> decode_frame_header(byte_view header) {
  wire::reader r(header);
  std::uint32_t length = 0;
  if (!r.read_u32(length)) return protocol_error(r, "message length");
  if (length == 0) return error{errc::agent_protocol_error, "agent message of length 0"};
  if (length > limits::max_message_length) {
    return error{errc::length_exceeds_limit, "agent message of " + std::to_string(length) + " bytes, above " +
                                                 std::to_string(limits::max_message_length)};
  }
  return static_cast<std::size_t>(length);
}

result<request> decode_request(byte_view payload) {
  wire::reader r(payload);
  auto type = read_type(r);
  if (!type) return std::move(type).error();
  switch (static_cast<message_type>(*type)) {
    case message_type::request_identities: return decode_empty<identities_request>(r, "identities request");
    case message_type::sign_request: return decode_sign(r);
    case message_type::add_identity: return decode_add_identity(r, false);
    case message_type::add_id_constrained: return decode_add_identity(r, true);
    case message_type::remove_identity: return decode_remove(r);
    case message_type::remove_all_identities: return decode_empty<remove_all_request>(r, "remove all request");
    case message_type::lock: {
      auto pass = decode_passphrase(r);
      if (!pass) return std::move(pass).error();
      return request{lock_request{std::move(*pass)}};
    }
    case message_type::unlock: {
      auto pass = decode_passphrase(r);
      if (!pass) return std::move(pass).error();
      return request{unlock_request{std::move(*pass)}};
    }
    case message_type::extension: return decode_extension(r);
    default: break;
  }
  return error{errc::agent_refused, "agent request type " + std::to_string(*type)};
}

bytes encode_identities_request() { return empty_message<bytes>(message_type::request_identities); }

result<bytes> encode_sign_request(byte_view key_blob, byte_view data, sign_flags flags) {
  message_builder<bytes> m(message_type::sign_request);
  m.writer().write_string(key_blob);
  m.writer().write_string(data);
  m.writer().write_u32(static_cast<std::uint32_t>(flags));
  return std::move(m).finish();
}

result<bytes> encode_remove_identity(byte_view key_blob) {
  message_builder<bytes> m(message_type::remove_identity);
  m.writer().write_string(key_blob);
  return std::move(m).finish();
}

bytes encode_remove_all_request() { return empty_message<bytes>(message_type::remove_all_identities); }

result<secure_bytes> encode_lock(const secret_string& passphrase) {
  message_builder<secure_bytes> m(message_type::lock);
  m.writer().write_string(passphrase.as_bytes());
  return std::move(m).finish();
}

result<secure_bytes> encode_unlock(const secret_string& passphrase) {
  message_builder<secure_bytes> m(message_type::unlock);
  m.writer().write_string(passphrase.as_bytes());
  return std::move(m).finish();
}

result<bytes> encode_extension(std::string_view name, byte_view contents) {
  message_builder<bytes> m(message_type::extension);
  m.writer().write_string(name);
  m.writer().write_raw(contents);
  return std::move(m).finish();
}

result<session_bind> decode_session_bind(byte_view contents) {
  wire::reader r(contents);
  session_bind b;
  if (!r.read_string(b.host_key, limits::max_key_blob) || !r.read_string(b.session_id, limits::max_session_id) ||
      !r.read_string(b.signature, limits::max_signature_blob) || !r.read_bool(b.is_forwarding) ||
      !r.expect_end()) {
    return protocol_error(r, "session-bind@openssh.com");
  }
  return b;
}

bytes encode_session_bind(const session_bind& bind) {
  bytes out;
  wire::writer w(out);
  w.write_string(bind.host_key);
  w.write_string(bind.session_id);
  w.write_string(bind.signature);
  w.write_bool(bind.is_forwarding);
  return out;
}

bytes encode_success() { return empty_message<bytes>(message_type::success); }
bytes encode_failure() { return empty_message<bytes>(message_type::failure); }

result<bytes> encode_identities_answer(const std::vector<key>& keys) {
  if (keys.size() > limits::max_identities) {
    return error{errc::length_exceeds_limit, std::to_string(keys.size()) + " identities, above " +
                                                 std::to_string(limits::max_identities)};
  }
  message_builder<bytes> m(message_type::identities_answer);
  m.writer().write_u32(static_cast<std::uint32_t>(keys.size()));
  for (const key& k : keys) {
    m.writer().write_string(k.public_blob());
    m.writer().write_string(k.comment());
  }
  return std::move(m).finish();
}

result<bytes> encode_sign_response(byte_view signature_blob) {
  message_builder<bytes> m(message_type::sign_response);
  m.writer().write_string(signature_blob);
  return std::move(m).finish();
}

result<std::vector<key>> decode_identities_answer(byte_view payload) {
  wire::reader r(payload);
  if (auto t = expect_response(r, message_type::identities_answer); !t) return t.error();
  std::uint32_t count = 0;
  if (!r.read_u32(count)) return protocol_error(r, "identities answer");
  if (count > limits::max_identities) {
    return error{errc::length_exceeds_limit, "agent lists " + std::to_string(count) + " identities, above " +
                                                 std::to_string(limits::max_identities)};
  }
  std::vector<key> keys;
  for (std::uint32_t i = 0; i < count; ++i) {
    byte_view blob;
    std::string comment;
    if (!r.read_string(blob, limits::max_key_blob) || !r.read_string(comment, limits::max_comment)) {
      return protocol_error(r, "identities answer");
    }
    auto k = key::from_public_blob(blob, std::move(comment));
    if (!k && k.code() == errc::unsupported_key_type) continue;  // e.g. sk-ssh-ed25519@openssh.com
    if (!k) return std::move(k).error();
    keys.push_back(std::move(*k));
  }
  if (!r.expect_end()) return protocol_error(r, "identities answer");
  return keys;
}

result<bytes> decode_sign_response(byte_view payload) {
  wire::reader r(payload);
  if (auto t = expect_response(r, message_type::sign_response); !t) return t.error();
  bytes signature;
  if (!r.read_string(signature, limits::max_signature_blob) || !r.expect_end()) {
    return protocol_error(r, "sign response");
  }
  return signature;
}

result<void> decode_status(byte_view payload) {
  wire::reader r(payload);
  if (auto t = expect_response(r, message_type::success); !t) return t;
  if (!r.expect_end()) return protocol_error(r, "success reply");
  return {};
}

}  // namespace sshlib::agent_protocol
