// Every size cap the agent layer applies to data from an agent socket, in one place. A
// length read from a peer is checked against the bytes actually left (wire::reader) and
// against one of these before anything is allocated. (The private namespace is
// agent_protocol because sshlib::agent is the public interface class.)
#pragma once

#include "keys/key_limits.hpp"

#include <cstddef>

namespace sshlib::agent_protocol::limits {

/// Largest agent message (the uint32 length prefix excluded). OpenSSH's AGENT_MAX_LEN.
inline constexpr std::size_t max_message_length = std::size_t{256} * 1024;

/// Most identities accepted in one SSH_AGENT_IDENTITIES_ANSWER, and most keys a
/// memory_agent holds (OpenSSH's ssh-agent and ssh-add use 2048 too).
inline constexpr std::size_t max_identities = 2048;

/// A public key or certificate blob.
inline constexpr std::size_t max_key_blob = keys::limits::max_public_blob;

/// A key comment.
inline constexpr std::size_t max_comment = keys::limits::max_comment_length;

/// A signature blob in SSH_AGENT_SIGN_RESPONSE.
inline constexpr std::size_t max_signature_blob = keys::limits::max_signature_blob;

/// Extension names ("session-bind@openssh.com") and constraint extension names.
inline constexpr std::size_t max_extension_name = 256;

/// Lock passphrases: generous for a passphrase, small for a DoS.
inline constexpr std::size_t max_passphrase = 1024;

/// session-bind@openssh.com fields: the session identifier is an exchange hash (at most 64
/// bytes for SHA-512); the host key signature is an ordinary signature blob.
inline constexpr std::size_t max_session_id = 64;

/// Requests an openssh_agent queues while one is in flight; more fail with agent_busy.
inline constexpr std::size_t max_queued_requests = 64;

/// Client connections an agent_server serves at once; more are closed on accept.
inline constexpr std::size_t max_server_connections = 64;

}  // namespace sshlib::agent_protocol::limits
