// The private-key fields of openssh-portable's PROTOCOL.key private section, per type:
//   ssh-ed25519: string pk, string sk||pk      ssh-rsa: mpint n, e, d, iqmp, p, q
//   ecdsa-sha2-*: string curve, string Q, mpint d   ssh-dss: mpint p, q, g, y, x
//   *-cert-v01@openssh.com: string certificate, then the private scalars only
//     (ed25519: pk, sk||pk; rsa: d, iqmp, p, q; ecdsa: d; dss: x)
// PuTTY and other containers convert into this order to build keys.
#pragma once

#include "keys/key_impl.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <sshlib/result.hpp>

#include <string_view>

namespace sshlib::keys {

/// Reads the fields that follow the type name `type_name` (the comment is not read).
result<key_impl> read_private_fields(std::string_view type_name, wire::reader& r);

/// Writes the type name and the private fields of k (no comment). Precondition: k.has_private.
void write_private_fields(wire::secure_writer& w, const key_impl& k);

}  // namespace sshlib::keys
