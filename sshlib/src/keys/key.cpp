// sshlib::key's member functions: thin wrappers over the format and signature modules.
#include <sshlib/key.hpp>

#include "crypto/digest.hpp"
#include "keys/base64.hpp"
#include "keys/certificate_codec.hpp"
#include "keys/key_impl.hpp"
#include "keys/rfc4716.hpp"
#include "keys/key_limits.hpp"
#include "keys/openssh_private.hpp"
#include "keys/pem.hpp"
#include "keys/private_fields.hpp"
#include "keys/public_blob.hpp"
#include "keys/signature.hpp"
#include "keys/wire_errors.hpp"

namespace sshlib {
namespace keys {

crypto::evp_pkey_ptr share_pkey(EVP_PKEY* pkey) {
  if (pkey != nullptr) EVP_PKEY_up_ref(pkey);
  return crypto::evp_pkey_ptr(pkey);
}

namespace {

key_impl copy_impl(const key_impl& k) {
  key_impl c;
  c.type = k.type;
  c.pkey = share_pkey(k.pkey.get());
  c.has_private = k.has_private;
  c.comment = k.comment;
  c.cert = k.cert;
  c.cert_blob = k.cert_blob;
  return c;
}

}  // namespace
}  // namespace keys

result<key> key::from_public_blob(byte_view blob, std::string comment) {
  auto k = keys::parse_public_blob(blob);
  if (!k) return std::move(k).error();
  k->comment = std::move(comment);
  return keys::make_key(std::move(*k));
}

result<key> key::from_openssh_private_fields(std::string_view type, byte_view fields, std::string comment) {
  wire::reader r(fields);
  auto k = keys::read_private_fields(type, r);
  if (!k) return std::move(k).error();
  if (!r.expect_end()) return keys::read_failure(r, "private key fields: bytes after the key");
  k->comment = std::move(comment);
  return keys::make_key(std::move(*k));
}

std::string key::type() const {
  return std::string(impl_->cert ? impl_->type->cert_name : impl_->type->name);
}
key_type key::kind() const noexcept { return impl_->type->kind; }

std::size_t key::bits() const noexcept {
  // Ed25519 keys are 256 bits on the wire; OpenSSL reports the group order's 253.
  if (impl_->type->kind == key_type::ed25519) return 256;
  return static_cast<std::size_t>(EVP_PKEY_get_bits(impl_->pkey.get()));
}

const std::string& key::comment() const noexcept { return impl_->comment; }

key key::with_comment(std::string comment) const {
  auto c = keys::copy_impl(*impl_);
  c.comment = std::move(comment);
  return keys::make_key(std::move(c));
}

bool key::is_private() const noexcept { return impl_->has_private; }
bool key::is_certificate() const noexcept { return impl_->cert.has_value(); }
const sshlib::certificate* key::certificate() const noexcept {
  return impl_->cert ? &*impl_->cert : nullptr;
}

key key::plain() const {
  if (!impl_->cert) return *this;
  auto c = keys::copy_impl(*impl_);
  c.cert.reset();
  c.cert_blob.clear();
  return keys::make_key(std::move(c));
}

key key::public_only() const {
  if (!impl_->has_private) return *this;
  // Re-parsing our own blob yields an EVP_PKEY that holds no private material at all.
  auto pub = keys::parse_public_blob(keys::public_blob(*impl_));
  if (!pub) throw std::logic_error("re-parsing our own public blob failed: " + pub.error().message());
  pub->comment = impl_->comment;
  return keys::make_key(std::move(*pub));
}

result<key> key::with_certificate(const key& cert) const {
  if (!impl_->has_private) return error{errc::not_a_private_key, "with_certificate needs the private key"};
  if (!cert.impl_->cert) return error{errc::certificate_invalid, "not a certificate"};
  if (!plain().equals(cert.plain())) return error{errc::key_mismatch, "the certificate certifies another key"};
  auto c = keys::copy_impl(*impl_);
  c.cert = cert.impl_->cert;
  c.cert_blob = cert.impl_->cert_blob;
  return keys::make_key(std::move(c));
}

std::string key::public_rfc4716() const { return keys::write_rfc4716(*impl_); }

bool key::equals(const key& other) const {
  return keys::public_blob(*impl_) == keys::public_blob(*other.impl_);
}

bytes key::public_blob() const { return keys::public_blob(*impl_); }

std::string key::public_ssh() const {
  std::string line = type() + " " + keys::base64_encode(public_blob());
  if (!impl_->comment.empty()) line += " " + impl_->comment;
  return line;
}

result<std::string> key::public_pem() const { return keys::write_public_pem(*impl_); }

result<secret_string> key::private_pem(pem_format format) const {
  return keys::write_private_pem(*impl_, format);
}

result<secret_string> key::private_openssh(const secret_string& passphrase, std::uint32_t rounds) const {
  return keys::write_openssh_private(*impl_, passphrase, rounds);
}

std::string key::fingerprint_sha256() const {
  return "SHA256:" + keys::base64_encode_unpadded(
                         crypto::digest(crypto::digest_algorithm::sha256, keys::plain_public_blob(*impl_)));
}

std::string key::fingerprint_md5() const {
  static constexpr char hex[] = "0123456789abcdef";
  const bytes d = crypto::digest(crypto::digest_algorithm::md5, keys::plain_public_blob(*impl_));
  std::string out = "MD5:";
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i > 0) out += ':';
    out += hex[d[i] >> 4];
    out += hex[d[i] & 0xf];
  }
  return out;
}

result<bytes> key::sign(byte_view data, std::string_view algorithm) const {
  return keys::sign_data(*impl_, data, algorithm);
}

result<void> key::verify(byte_view data, byte_view signature_blob) const {
  return keys::verify_signature(*impl_, data, signature_blob);
}

result<void> key::verify_certificate(std::uint64_t now, certificate_type expected,
                                     std::string_view principal) const {
  return keys::check_certificate(*impl_, now, expected, principal);
}

}  // namespace sshlib
