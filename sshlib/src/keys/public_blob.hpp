// SSH public key blobs: RFC 4253 section 6.6 (ssh-rsa, ssh-dss), RFC 5656 section 3.1
// (ecdsa-sha2-*), RFC 8709 section 4 (ssh-ed25519), and certificates (PROTOCOL.certkeys).
#pragma once

#include "keys/key_impl.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <sshlib/result.hpp>

namespace sshlib::keys {

/// Reads the public fields of a plain key of `type` (everything after the type name).
result<crypto::evp_pkey_ptr> read_public_fields(const type_info& type, wire::reader& r);
/// Writes the public fields of a plain key (after the type name).
void write_public_fields(wire::writer& w, const type_info& type, const EVP_PKEY* pkey);

/// The plain key's blob, even for a certificate (fingerprints are taken over this).
bytes plain_public_blob(const key_impl& k);
/// The key's blob: the certificate blob for certificates.
bytes public_blob(const key_impl& k);

/// Parses a whole blob (plain key or certificate). The result has no private half.
result<key_impl> parse_public_blob(byte_view blob);

}  // namespace sshlib::keys
