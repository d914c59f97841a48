// Error codes of sshlib: one boost::system category shared by every layer, so that async
// paths report boost::system::error_code values and pure functions report them inside
// sshlib::result.
#pragma once

#include <boost/system/error_code.hpp>

#include <string_view>

namespace sshlib {

enum class errc {
  // wire (RFC 4251 section 5 data types)
  truncated = 1,            // fewer bytes left than the field needs
  length_exceeds_limit,     // a length field is larger than its named cap
  non_canonical_mpint,      // an mpint carries a needless leading 0x00 or 0xff byte
  negative_mpint,           // a negative mpint where only non-negative values are allowed
  invalid_name_list,        // empty name, non-printable byte, or too many names
  trailing_data,            // bytes left over after a message was fully parsed
  invalid_value,            // a field holds a value outside its allowed set

  // crypto
  crypto_failure,           // OpenSSL reported an internal failure
  unsupported_algorithm,    // we do not implement the named algorithm
  algorithm_unavailable,    // implemented but not loadable here (e.g. no legacy provider)
  invalid_key_length,       // key, IV or nonce of the wrong size
  authentication_failed,    // AEAD tag or MAC did not verify
  invalid_public_value,     // a peer's key-exchange value is out of range or degenerate

  // keys
  invalid_key_format,       // the input is not a key in any format we recognise
  unsupported_key_type,     // a well-formed key of a type we do not support
  passphrase_required,      // the key is encrypted and no passphrase was given
  wrong_passphrase,         // decryption with the given passphrase failed its check
  unsupported_cipher,       // private key encrypted with a cipher we do not support
  unsupported_kdf,          // private key protected by a KDF we do not support
  key_mismatch,             // public and private halves disagree
  invalid_signature,        // malformed signature blob
  signature_mismatch,       // well-formed signature that does not verify
  not_a_private_key,        // a private-key operation on a public key
  certificate_invalid,      // certificate malformed or its CA signature does not verify
  certificate_expired,      // now is past valid_before
  certificate_not_yet_valid,// now is before valid_after
  certificate_wrong_type,   // user certificate where a host certificate is needed, or reverse
  principal_not_allowed,    // the requested principal is not listed
  unknown_critical_option,  // a critical option we do not understand (must refuse)

  // transport (RFC 4253)
  invalid_version_line = 100, // the peer's identification string is not SSH-2.0 or breaks RFC 4253 4.2
  protocol_error,           // a message that is malformed or not allowed in this state
  no_common_algorithm,      // the two KEXINITs share no algorithm in some category
  host_key_rejected,        // the host key verifier (or known_hosts) refused the server's key
  strict_kex_violation,     // a message not allowed during a strict initial key exchange
  decompression_failed,     // zlib data is corrupt or inflates beyond its cap
  disconnected_by_peer,     // the peer sent SSH_MSG_DISCONNECT
  connection_lost,          // the byte stream ended before the protocol did
  timeout,                  // ready, login-grace or keepalive timeout
  connection_closed,        // an operation on a connection that has been closed

  // connection (RFC 4254)
  channel_open_failed = 200,  // the peer refused to open a channel (the detail says why)
  request_refused,          // the peer answered a request with FAILURE
  window_exceeded,          // the peer sent more data than our window allowed
  too_many_channels,        // the per-connection channel cap was reached

  // agent (PROTOCOL.agent)
  agent_failure = 300,      // the agent answered SSH_AGENT_FAILURE
  agent_refused,            // this agent does not support or allow the operation
  agent_protocol_error,     // the peer sent a malformed or unexpected agent message
  agent_unavailable,        // no agent to talk to (SSH_AUTH_SOCK unset or empty)
  agent_busy,               // too many requests queued or connections open
  insecure_permissions,     // a socket directory others can reach into

  // sftp (draft-ietf-secsh-filexfer-02)
  sftp_unknown_message = 400, // an SFTP message type that is unknown or not valid in this direction
  sftp_protocol_error,      // a malformed or unexpected SFTP message
};

/// The category of every sshlib error code; its name() is "sshlib".
const boost::system::error_category& error_category() noexcept;

boost::system::error_code make_error_code(errc e) noexcept;

/// The seed's `err.level` for an error that ended a client connection: "client-timeout"
/// (ready or keepalive timeout), "client-socket" (the byte stream failed or ended, or a
/// system error), otherwise "client-ssh" (the SSH protocol: a disconnect from the peer, a
/// protocol or key-exchange failure, authentication).
std::string_view client_error_level(const boost::system::error_code& ec) noexcept;

}  // namespace sshlib

template <>
struct boost::system::is_error_code_enum<sshlib::errc> : std::true_type {};
