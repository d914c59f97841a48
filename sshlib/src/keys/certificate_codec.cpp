#include "keys/certificate_codec.hpp"

#include "keys/key_limits.hpp"
#include "keys/public_blob.hpp"
#include "keys/signature.hpp"
#include "keys/wire_errors.hpp"

#include <algorithm>
#include <string>

namespace sshlib::keys {
namespace {

// Reads a "string of name/data pairs" field (critical options or extensions).
result<std::vector<certificate_option>> read_options(wire::reader& outer, std::string_view what) {
  byte_view packed;
  if (!outer.read_string(packed)) return read_failure(outer, std::string("certificate ") + std::string(what));
  wire::reader r(packed);
  std::vector<certificate_option> out;
  while (r.remaining() > 0) {
    if (out.size() == limits::max_cert_options) {
      return error{errc::length_exceeds_limit, "certificate " + std::string(what) + ": more than " +
                                                   std::to_string(limits::max_cert_options) + " entries"};
    }
    certificate_option opt;
    if (!r.read_string(opt.name, limits::max_name_length) ||
        !r.read_string(opt.data, limits::max_cert_option_data)) {
      return read_failure(r, "certificate " + std::string(what) + " entry");
    }
    const auto dup = std::find_if(out.begin(), out.end(),
                                  [&](const certificate_option& o) { return o.name == opt.name; });
    if (dup != out.end()) {
      return error{errc::certificate_invalid,
                   "certificate " + std::string(what) + ": \"" + opt.name + "\" appears twice"};
    }
    out.push_back(std::move(opt));
  }
  return out;
}

result<std::vector<std::string>> read_principals(wire::reader& outer) {
  byte_view packed;
  if (!outer.read_string(packed)) return read_failure(outer, "certificate principals");
  wire::reader r(packed);
  std::vector<std::string> out;
  while (r.remaining() > 0) {
    if (out.size() == limits::max_cert_principals) {
      return error{errc::length_exceeds_limit, "certificate principals: more than " +
                                                   std::to_string(limits::max_cert_principals)};
    }
    std::string p;
    if (!r.read_string(p, limits::max_cert_principal_length)) return read_failure(r, "certificate principal");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

result<key_impl> parse_certificate(const type_info& type, byte_view blob) {
  const std::string what(type.cert_name);
  wire::reader r(blob);
  std::string_view name;
  certificate c;
  if (!r.read_string(name, limits::max_name_length) || !r.read_string(c.nonce, limits::max_cert_nonce)) {
    return read_failure(r, what + ": type and nonce");
  }
  auto pkey = read_public_fields(type, r);
  if (!pkey) return std::move(pkey).error();
  std::uint32_t cert_type = 0;
  if (!r.read_u64(c.serial) || !r.read_u32(cert_type) || !r.read_string(c.key_id, limits::max_cert_key_id)) {
    return read_failure(r, what + ": serial, type and key id");
  }
  if (cert_type != 1 && cert_type != 2) {
    return error{errc::certificate_invalid, what + ": unknown certificate type " + std::to_string(cert_type)};
  }
  c.type = static_cast<certificate_type>(cert_type);
  auto principals = read_principals(r);
  if (!principals) return std::move(principals).error();
  c.principals = std::move(*principals);
  if (!r.read_u64(c.valid_after) || !r.read_u64(c.valid_before)) return read_failure(r, what + ": validity");
  auto critical = read_options(r, "critical options");
  if (!critical) return std::move(critical).error();
  auto extensions = read_options(r, "extensions");
  if (!extensions) return std::move(extensions).error();
  c.critical_options = std::move(*critical);
  c.extensions = std::move(*extensions);
  byte_view reserved, ca_blob;
  if (!r.read_string(reserved) || !r.read_string(ca_blob, limits::max_public_blob)) {
    return read_failure(r, what + ": reserved field and signature key");
  }
  const std::size_t signed_len = r.offset();
  if (!r.read_string(c.signature, limits::max_signature_blob) || !r.expect_end()) {
    return read_failure(r, what + ": signature");
  }
  // The CA key must itself be a plain key (PROTOCOL.certkeys forbids chains).
  auto ca = parse_public_blob(ca_blob);
  if (!ca) return error{ca.error().code, what + ": signature key: " + ca.error().detail};
  if (ca->cert) return error{errc::certificate_invalid, what + ": signature key is itself a certificate"};
  c.signature_key.assign(ca_blob.begin(), ca_blob.end());
  c.signed_data.assign(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(signed_len));

  key_impl k;
  k.type = &type;
  k.pkey = std::move(*pkey);
  k.cert = std::move(c);
  k.cert_blob.assign(blob.begin(), blob.end());
  return k;
}

bool is_known_critical_option(std::string_view name) noexcept {
  return name == "force-command" || name == "source-address" || name == "verify-required";
}

result<void> check_certificate(const key_impl& k, std::uint64_t now, certificate_type expected,
                               std::string_view principal) {
  if (!k.cert) return error{errc::certificate_invalid, "the key is not a certificate"};
  const certificate& c = *k.cert;
  auto ca = parse_public_blob(c.signature_key);
  if (!ca) return error{errc::certificate_invalid, "signature key: " + ca.error().message()};
  // OpenSSH's default CASignatureAlgorithms leave out ssh-rsa (SHA-1); so do we.
  auto sig = verify_signature(*ca, c.signed_data, c.signature, /*allow_sha1_rsa=*/false);
  if (!sig) return error{errc::certificate_invalid, "CA signature: " + sig.error().message()};
  if (now < c.valid_after) {
    return error{errc::certificate_not_yet_valid,
                 "valid from " + std::to_string(c.valid_after) + ", now is " + std::to_string(now)};
  }
  if (now >= c.valid_before) {
    return error{errc::certificate_expired,
                 "valid before " + std::to_string(c.valid_before) + ", now is " + std::to_string(now)};
  }
  if (c.type != expected) {
    return error{errc::certificate_wrong_type,
                 std::string(c.type == certificate_type::user ? "user" : "host") + " certificate where a " +
                     (expected == certificate_type::user ? "user" : "host") + " certificate is required"};
  }
  if (!principal.empty() && !c.principals.empty() &&
      std::find(c.principals.begin(), c.principals.end(), principal) == c.principals.end()) {
    return error{errc::principal_not_allowed, "\"" + std::string(principal) + "\" is not listed"};
  }
  for (const auto& opt : c.critical_options) {
    if (!is_known_critical_option(opt.name)) {
      return error{errc::unknown_critical_option, "\"" + opt.name + "\""};
    }
  }
  return {};
}

}  // namespace sshlib::keys
