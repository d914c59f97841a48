// Sans-IO codec of the SSH agent protocol (draft-miller-ssh-agent, with OpenSSH's extensions
// from openssh-portable PROTOCOL.agent): framing and the encoding and decoding of every
// message our client sends and our server answers. Bytes in, values or bytes out; no
// sockets, so the client, the server and the fuzz target share one implementation.
//
// On the wire each message is a uint32 length followed by that many bytes: a message type
// byte and its body (section 3). Encoders return the whole framed message; decoders take
// the payload, i.e. the bytes after the length prefix.
#pragma once

#include "agent/agent_limits.hpp"

#include <sshlib/agent_types.hpp>
#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sshlib::agent_protocol {

/// Message numbers (draft-miller-ssh-agent section 5.1). Only the ones we name in code;
/// everything else is "unknown" and answered with SSH_AGENT_FAILURE.
enum class message_type : std::uint8_t {
  failure = 5,                 // SSH_AGENT_FAILURE
  success = 6,                 // SSH_AGENT_SUCCESS
  request_identities = 11,     // SSH_AGENTC_REQUEST_IDENTITIES
  identities_answer = 12,      // SSH_AGENT_IDENTITIES_ANSWER
  sign_request = 13,           // SSH_AGENTC_SIGN_REQUEST
  sign_response = 14,          // SSH_AGENT_SIGN_RESPONSE
  add_identity = 17,           // SSH_AGENTC_ADD_IDENTITY
  remove_identity = 18,        // SSH_AGENTC_REMOVE_IDENTITY
  remove_all_identities = 19,  // SSH_AGENTC_REMOVE_ALL_IDENTITIES
  lock = 22,                   // SSH_AGENTC_LOCK
  unlock = 23,                 // SSH_AGENTC_UNLOCK
  add_id_constrained = 25,     // SSH_AGENTC_ADD_ID_CONSTRAINED
  extension = 27,              // SSH_AGENTC_EXTENSION
  extension_failure = 28,      // SSH_AGENT_EXTENSION_FAILURE
};

/// Key constraint identifiers (section 5.2; maxsign from PROTOCOL.agent section 3).
enum class constraint_type : std::uint8_t {
  lifetime = 1,    // SSH_AGENT_CONSTRAIN_LIFETIME, uint32 seconds
  confirm = 2,     // SSH_AGENT_CONSTRAIN_CONFIRM, no data
  maxsign = 3,     // SSH_AGENT_CONSTRAIN_MAXSIGN, uint32 (XMSS keys only)
  extension = 255, // SSH_AGENT_CONSTRAIN_EXTENSION, string name + name-specific data
};

/// The uint32 length that precedes every message.
inline constexpr std::size_t frame_header_size = 4;

/// OpenSSH's session-binding extension (PROTOCOL.agent section 1).
inline constexpr std::string_view session_bind_extension = "session-bind@openssh.com";

/// Reads a length prefix (the first frame_header_size bytes of `header`). Errors: truncated
/// (fewer than 4 bytes), agent_protocol_error (zero: a message has at least its type byte),
/// length_exceeds_limit (above limits::max_message_length).
result<std::size_t> decode_frame_header(byte_view header);

// ---------------------------------------------------------------------------------------
// Requests (client to agent), draft-miller-ssh-agent section 4.

/// SSH_AGENTC_REQUEST_IDENTITIES (section 4.4): no body.
struct identities_request {};

/// SSH_AGENTC_SIGN_REQUEST (section 4.5).
struct sign_request {
  bytes key_blob;  // public key or certificate blob
  bytes data;
  sign_flags flags = sign_flags::none;  // unknown bits are kept as sent
};

/// SSH_AGENTC_ADD_IDENTITY / SSH_AGENTC_ADD_ID_CONSTRAINED (section 4.2). The key carries
/// the comment.
struct add_identity_request {
  key private_key;
  key_constraints constraints;
};

/// SSH_AGENTC_REMOVE_IDENTITY (section 4.3.1).
struct remove_identity_request {
  bytes key_blob;
};

/// SSH_AGENTC_REMOVE_ALL_IDENTITIES (section 4.3.2): no body.
struct remove_all_request {};

/// SSH_AGENTC_LOCK and SSH_AGENTC_UNLOCK (section 4.6).
struct lock_request {
  secret_string passphrase;
};
struct unlock_request {
  secret_string passphrase;
};

/// SSH_AGENTC_EXTENSION (section 4.7): a name and name-specific contents, kept raw.
struct extension_request {
  std::string name;
  bytes contents;
};

using request = std::variant<identities_request, sign_request, add_identity_request, remove_identity_request,
                             remove_all_request, lock_request, unlock_request, extension_request>;

/// Decodes one request payload. Errors: agent_refused (a message type or key constraint we
/// do not implement: smartcard keys, maxsign, constraint extensions; the server answers
/// those with SSH_AGENT_FAILURE), unsupported_key_type and the keys layer's codes for the
/// key of an add request, truncated, length_exceeds_limit, trailing_data, invalid_value
/// (a constraint given twice).
result<request> decode_request(byte_view payload);

/// Framed requests. Errors: length_exceeds_limit when the message would be larger than an
/// agent accepts (limits::max_message_length), not_a_private_key for add_identity.
bytes encode_identities_request();
result<bytes> encode_sign_request(byte_view key_blob, byte_view data, sign_flags flags);
/// SSH_AGENTC_ADD_IDENTITY when `constraints` is empty, SSH_AGENTC_ADD_ID_CONSTRAINED
/// otherwise. The private fields follow openssh-portable PROTOCOL.key, as the draft says.
result<secure_bytes> encode_add_identity(const key& private_key, std::string_view comment,
                                         const key_constraints& constraints = {});
result<bytes> encode_remove_identity(byte_view key_blob);
bytes encode_remove_all_request();
result<secure_bytes> encode_lock(const secret_string& passphrase);
result<secure_bytes> encode_unlock(const secret_string& passphrase);
result<bytes> encode_extension(std::string_view name, byte_view contents);

/// The contents of a session-bind@openssh.com extension request (PROTOCOL.agent section 1).
struct session_bind {
  bytes host_key;    // the server's host key blob
  bytes session_id;  // the exchange hash of the connection's first key exchange
  bytes signature;   // the host key's signature over session_id
  bool is_forwarding = false;
};

/// Parses extension_request::contents of a session-bind request. Errors: the reader's codes
/// (truncated, length_exceeds_limit, trailing_data).
result<session_bind> decode_session_bind(byte_view contents);
bytes encode_session_bind(const session_bind& bind);

// ---------------------------------------------------------------------------------------
// Responses (agent to client).

bytes encode_success();
bytes encode_failure();
/// SSH_AGENT_IDENTITIES_ANSWER (section 4.4): each key's public blob and comment. Errors:
/// length_exceeds_limit (more than limits::max_identities keys, or too large a message).
result<bytes> encode_identities_answer(const std::vector<key>& keys);
/// SSH_AGENT_SIGN_RESPONSE (section 4.5). Errors: length_exceeds_limit.
result<bytes> encode_sign_response(byte_view signature_blob);

/// The public keys (with their comments) of an SSH_AGENT_IDENTITIES_ANSWER. Keys of types
/// we do not support (FIDO "sk-" keys, XMSS, ...) are skipped, as OpenSSH's own client
/// does; a malformed key of a supported type fails the whole answer. Errors: agent_failure
/// (the agent answered FAILURE), agent_protocol_error (another message type),
/// length_exceeds_limit (more than limits::max_identities), truncated, trailing_data and
/// the keys layer's codes.
result<std::vector<key>> decode_identities_answer(byte_view payload);
/// The signature blob of an SSH_AGENT_SIGN_RESPONSE. Errors: as decode_identities_answer.
result<bytes> decode_sign_response(byte_view payload);
/// SSH_AGENT_SUCCESS, or agent_failure for a failure reply (SSH_AGENT_FAILURE,
/// SSH_AGENT_EXTENSION_FAILURE, and the old SSH_COM_AGENT2_FAILURE that some agents send),
/// agent_protocol_error for anything else.
result<void> decode_status(byte_view payload);

}  // namespace sshlib::agent_protocol
