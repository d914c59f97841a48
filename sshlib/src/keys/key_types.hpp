// The static facts about each SSH key type: wire names (RFC 4253 section 6.6, RFC 5656
// section 3.1, RFC 8709, PROTOCOL.certkeys), curves, default signature digests.
#pragma once

#include "crypto/digest.hpp"

#include <sshlib/key.hpp>

#include <string_view>

namespace sshlib::keys {

struct type_info {
  key_type kind;
  std::string_view name;       // "ecdsa-sha2-nistp256"
  std::string_view cert_name;  // "ecdsa-sha2-nistp256-cert-v01@openssh.com"
  std::string_view curve_id;   // RFC 5656 identifier ("nistp256"); empty if not ECDSA
  std::string_view group;      // OpenSSL group name ("P-256"); empty if not ECDSA
  std::size_t field_bytes;     // ECDSA coordinate size; 0 otherwise
  crypto::digest_algorithm ecdsa_digest;  // RFC 5656 section 6.2.1 (ECDSA only)
};

const type_info& info(key_type kind) noexcept;

/// Looks a name up among plain and certificate names; sets is_cert. nullptr if unknown.
const type_info* find_type(std::string_view name, bool& is_cert) noexcept;

/// Looks an RFC 5656 curve identifier up ("nistp384"). nullptr if unknown.
const type_info* find_curve(std::string_view curve_id) noexcept;

}  // namespace sshlib::keys
