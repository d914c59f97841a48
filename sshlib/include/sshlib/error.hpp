// Error codes of sshlib: one boost::system category shared by every layer, so that async
// paths report boost::system::error_code values and pure functions report them inside
// sshlib::result.
#pragma once

#include <boost/system/error_code.hpp>

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

  // agent (draft-miller-ssh-agent, openssh-portable PROTOCOL.agent)
  agent_failure,            // the agent answered SSH_AGENT_FAILURE
  agent_refused,            // this agent does not support or allow the operation
  agent_protocol_error,     // the peer sent a malformed or unexpected agent message
  agent_unavailable,        // no agent to talk to (SSH_AUTH_SOCK unset or empty)
  agent_busy,               // too many requests queued or connections open
  insecure_permissions,     // a socket directory others can reach into
};

/// The category of every sshlib error code; its name() is "sshlib".
const boost::system::error_category& error_category() noexcept;

boost::system::error_code make_error_code(errc e) noexcept;

}  // namespace sshlib

template <>
struct boost::system::is_error_code_enum<sshlib::errc> : std::true_type {};
