// PROTOCOL.agent messages, sans-IO: framing (uint32 length, capped) and the requests and
// answers a client needs. Every length is bounded.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <optional>
#include <vector>

namespace sshlib::agent_proto {

inline constexpr std::uint8_t failure = 5;
inline constexpr std::uint8_t success = 6;
inline constexpr std::uint8_t request_identities = 11;
inline constexpr std::uint8_t identities_answer = 12;
inline constexpr std::uint8_t sign_request = 13;
inline constexpr std::uint8_t sign_response = 14;
inline constexpr std::uint8_t add_identity = 17;

/// OpenSSH's own cap on an agent message.
inline constexpr std::size_t max_message = 256 * 1024;
inline constexpr std::size_t max_identities = 2048;

/// Prefixes a message with its length.
bytes frame(byte_view message);
/// The length from a 4-byte prefix. Errors: length_exceeds_limit, invalid_value for zero.
result<std::uint32_t> frame_length(byte_view prefix);

bytes make_request_identities();
bytes make_sign_request(byte_view key_blob, byte_view data, std::uint32_t flags);
/// SSH_AGENTC_ADD_IDENTITY with the key's PROTOCOL.key private fields and its comment.
result<bytes> make_add_identity(const key& private_key);

struct identity {
  bytes blob;
  std::string comment;
};
/// IDENTITIES_ANSWER (or FAILURE -> agent_failure). Keys of types we do not know are
/// returned too (as blobs); the caller decides.
result<std::vector<identity>> parse_identities_answer(byte_view message);
/// SIGN_RESPONSE: the signature blob.
result<bytes> parse_sign_response(byte_view message);
/// SUCCESS, or agent_failure.
result<void> parse_success(byte_view message);

}  // namespace sshlib::agent_proto
