#include <sshlib/error.hpp>

#include <string>

namespace sshlib {
namespace {

class sshlib_category final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "sshlib"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::truncated: return "input truncated";
      case errc::length_exceeds_limit: return "length exceeds limit";
      case errc::non_canonical_mpint: return "non-canonical mpint encoding";
      case errc::negative_mpint: return "negative mpint where a non-negative value is required";
      case errc::invalid_name_list: return "invalid name-list";
      case errc::trailing_data: return "unexpected trailing data";
      case errc::invalid_value: return "invalid field value";
      case errc::crypto_failure: return "cryptographic operation failed";
      case errc::unsupported_algorithm: return "unsupported algorithm";
      case errc::algorithm_unavailable: return "algorithm unavailable in this OpenSSL";
      case errc::invalid_key_length: return "invalid key, IV or nonce length";
      case errc::authentication_failed: return "message authentication failed";
      case errc::invalid_public_value: return "invalid key-exchange public value";
      case errc::invalid_key_format: return "invalid key format";
      case errc::unsupported_key_type: return "unsupported key type";
      case errc::passphrase_required: return "key is encrypted: passphrase required";
      case errc::wrong_passphrase: return "wrong passphrase";
      case errc::unsupported_cipher: return "unsupported private key cipher";
      case errc::unsupported_kdf: return "unsupported private key KDF";
      case errc::key_mismatch: return "public and private key do not match";
      case errc::invalid_signature: return "malformed signature";
      case errc::signature_mismatch: return "signature does not verify";
      case errc::not_a_private_key: return "operation needs a private key";
      case errc::certificate_invalid: return "invalid certificate";
      case errc::certificate_expired: return "certificate expired";
      case errc::certificate_not_yet_valid: return "certificate not yet valid";
      case errc::certificate_wrong_type: return "wrong certificate type";
      case errc::principal_not_allowed: return "principal not allowed by certificate";
      case errc::unknown_critical_option: return "unknown critical option in certificate";
      case errc::invalid_version_line: return "invalid SSH identification string";
      case errc::protocol_error: return "SSH protocol error";
      case errc::no_common_algorithm: return "no common algorithm";
      case errc::host_key_rejected: return "host key rejected";
      case errc::strict_kex_violation: return "strict key exchange violated";
      case errc::decompression_failed: return "decompression failed";
      case errc::disconnected_by_peer: return "disconnected by peer";
      case errc::connection_lost: return "connection lost";
      case errc::timeout: return "timed out";
      case errc::connection_closed: return "connection closed";
      case errc::channel_open_failed: return "channel open failed";
      case errc::request_refused: return "request refused";
      case errc::window_exceeded: return "peer exceeded the channel window";
      case errc::too_many_channels: return "too many channels";
      case errc::agent_failure: return "agent refused the request (SSH_AGENT_FAILURE)";
      case errc::agent_refused: return "operation not supported or not allowed by this agent";
      case errc::agent_protocol_error: return "malformed or unexpected agent message";
      case errc::agent_unavailable: return "no agent available (SSH_AUTH_SOCK not set)";
      case errc::agent_busy: return "agent busy: too many queued requests or connections";
      case errc::insecure_permissions: return "path is reachable by other users";
      case errc::sftp_unknown_message: return "unknown or unexpected SFTP message type";
      case errc::sftp_protocol_error: return "malformed or unexpected SFTP message";
    }
    return "unknown sshlib error " + std::to_string(ev);
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const sshlib_category category;
  return category;
}

boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

std::string_view client_error_level(const boost::system::error_code& ec) noexcept {
  if (ec.category() != error_category()) return "client-socket";
  switch (static_cast<errc>(ec.value())) {
    case errc::timeout: return "client-timeout";
    case errc::connection_lost: return "client-socket";
    default: return "client-ssh";
  }
}

}  // namespace sshlib
