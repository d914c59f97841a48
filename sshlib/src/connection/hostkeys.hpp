// Host key rotation (OpenSSH PROTOCOL 2.5): the server lists its host keys after
// authentication (hostkeys-00@openssh.com) and proves it holds each one the client asks
// about (hostkeys-prove-00@openssh.com) by signing
//   string "hostkeys-prove-00@openssh.com", string session identifier, string host key blob.
// Pure functions over request and reply bodies; connection_core does the sending.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <string_view>
#include <vector>

namespace sshlib::connection {

inline constexpr std::string_view hostkeys_announce_name = "hostkeys-00@openssh.com";
inline constexpr std::string_view hostkeys_prove_name = "hostkeys-prove-00@openssh.com";
/// More keys than this in one announcement or proof request are refused: OpenSSH servers
/// hold a handful.
inline constexpr std::size_t max_announced_host_keys = 64;

/// Server: the announcement body: the plain public blob of each host key, once each
/// (certificates are represented by their plain key, as sshd does).
bytes hostkeys_announcement(const std::vector<key>& host_keys);

/// Client: the keys of an announcement, skipping blobs of types we cannot parse (a newer
/// server may hold keys we do not know). Errors: protocol_error for a malformed body or
/// more than max_announced_host_keys keys.
result<std::vector<key>> parse_hostkeys_announcement(byte_view body);

/// Client: the body of a proof request for `keys`.
bytes hostkeys_prove_request(const std::vector<key>& keys);

/// Server: the REQUEST_SUCCESS body proving each requested key: one signature per key, in
/// request order. RSA keys sign with `rsa_algorithm` (the negotiated RSA host-key
/// algorithm, or rsa-sha2-512 when the key exchange used another key type). Errors:
/// protocol_error (malformed request, too many keys), invalid_value (a key we do not hold:
/// the request is refused, as sshd does).
result<bytes> prove_hostkeys(byte_view request_body, const std::vector<key>& host_keys, byte_view session_id,
                             std::string_view rsa_algorithm);

/// Client: checks the server's proof for `keys`. RSA signatures must be rsa-sha2-256 or
/// rsa-sha2-512 (never SHA-1). Errors: protocol_error (malformed, wrong count),
/// signature_mismatch / invalid_signature (a key the server could not prove).
result<void> verify_hostkeys_proof(byte_view reply_body, const std::vector<key>& keys, byte_view session_id);

}  // namespace sshlib::connection
