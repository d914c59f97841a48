// SSH keys: parsing every common file format, the SSH wire forms (RFC 4253 section 6.6,
// RFC 5656, RFC 8332, RFC 8709), fingerprints, signing and verification by SSH algorithm
// name, generation, and OpenSSH certificates (openssh-portable PROTOCOL.certkeys).
//
// A `key` is an immutable value: copies share one implementation, and every operation is
// safe to call from several threads at once. No OpenSSL type appears in this header.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

namespace keys {
struct key_impl;
}

/// The algorithm family of a key (for certificates: of the certified key).
enum class key_type { ed25519, ecdsa_p256, ecdsa_p384, ecdsa_p521, rsa, dsa };

/// OpenSSH certificate kinds (PROTOCOL.certkeys: SSH_CERT_TYPE_USER = 1, _HOST = 2).
enum class certificate_type : std::uint32_t { user = 1, host = 2 };

/// A critical option or extension: its name and its raw data field (for force-command and
/// source-address the data is itself an SSH string holding the value; for flags it is empty).
struct certificate_option {
  std::string name;
  bytes data;
};

/// Every field of an OpenSSH certificate, as parsed (PROTOCOL.certkeys).
struct certificate {
  bytes nonce;
  std::uint64_t serial = 0;
  certificate_type type = certificate_type::user;
  std::string key_id;
  std::vector<std::string> principals;  // empty: valid for any principal
  std::uint64_t valid_after = 0;        // seconds since the epoch
  std::uint64_t valid_before = 0;       // 0xffffffffffffffff means forever
  std::vector<certificate_option> critical_options;
  std::vector<certificate_option> extensions;
  bytes signature_key;  // the CA's public key blob
  bytes signature;      // SSH signature blob over the certificate up to signature_key
  bytes signed_data;    // the bytes the CA signed (the certificate without its signature)
};

/// How private_pem() writes the key.
enum class pem_format {
  pkcs8,        // "BEGIN PRIVATE KEY", every type (the default)
  traditional,  // "BEGIN RSA/EC/DSA PRIVATE KEY", what `ssh-keygen -m PEM` writes;
                // Ed25519 has no traditional form and is written as PKCS#8
};

/// Limits applied while parsing, for callers that parse untrusted files.
struct key_parse_options {
  /// Highest bcrypt_pbkdf round count accepted from an OpenSSH key file (ssh-keygen writes
  /// 16 by default; each round costs about a millisecond). Larger counts are refused with
  /// invalid_value rather than letting a hostile file stall the caller.
  std::uint32_t max_kdf_rounds = 10000;
  /// Highest PBKDF2 iteration count accepted from an encrypted PKCS#8 file.
  std::uint32_t max_pbkdf2_iterations = 10'000'000;
};

class key {
public:
  /// Builds a public key (or certificate) from its SSH wire blob: "ssh-ed25519",
  /// "ecdsa-sha2-nistp256/384/521", "ssh-rsa", "ssh-dss" and their
  /// "-cert-v01@openssh.com" forms. Errors: unsupported_key_type, invalid_key_format,
  /// truncated, length_exceeds_limit, trailing_data, certificate_invalid.
  static result<key> from_public_blob(byte_view blob, std::string comment = {});

  /// Builds a private key from its SSH type name and private fields in the order of
  /// PROTOCOL.key's private section, without the comment:
  ///   ssh-ed25519: string pk, string sk||pk        ssh-rsa: mpint n e d iqmp p q
  ///   ecdsa-sha2-*: string curve, string Q, mpint d  ssh-dss: mpint p q g y x
  ///   *-cert-v01@openssh.com: string certificate, then the plain type's private scalars
  ///     (ed25519: pk, sk||pk; rsa: d iqmp p q; ecdsa: d; dss: x)
  /// `fields` must hold exactly these (trailing_data otherwise). The embedded public key
  /// is checked against the private one (key_mismatch).
  static result<key> from_openssh_private_fields(std::string_view type, byte_view fields,
                                                 std::string comment = {});

  /// SSH name: "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", "ssh-dss",
  /// "ssh-ed25519-cert-v01@openssh.com", ...
  std::string type() const;
  /// The algorithm family (of the certified key for certificates).
  key_type kind() const noexcept;
  /// Key size as ssh-keygen reports it: 256 for Ed25519, the curve size for ECDSA, the
  /// modulus size for RSA and DSA.
  std::size_t bits() const noexcept;
  const std::string& comment() const noexcept;
  /// A copy of this key with another comment.
  key with_comment(std::string comment) const;
  bool is_private() const noexcept;
  bool is_certificate() const noexcept;
  /// The certificate fields, or nullptr for a plain key.
  const sshlib::certificate* certificate() const noexcept;
  /// For a certificate, the certified key alone (same private half, if any); otherwise *this.
  key plain() const;
  /// A copy without the private half.
  key public_only() const;
  /// This private key carrying `cert` (a certificate of this key's public half), e.g. a host
  /// key and the host certificate `ssh-keygen -s` made for it. Errors: certificate_invalid
  /// when `cert` is not a certificate, key_mismatch when it certifies another key,
  /// not_a_private_key.
  result<key> with_certificate(const key& cert) const;

  /// True when both keys have the same public blob (so a certificate never equals its plain
  /// key; compare plain() for that). Private halves and comments are ignored.
  bool equals(const key& other) const;

  /// SSH wire public key blob (the certificate blob for certificates).
  bytes public_blob() const;
  /// "type base64 comment" (no comment part when the comment is empty), no newline.
  std::string public_ssh() const;
  /// The RFC 4716 form: "---- BEGIN SSH2 PUBLIC KEY ----", a quoted Comment header when the
  /// comment is not empty, base64 in lines of 70 characters, "---- END SSH2 PUBLIC KEY ----",
  /// each line ending in '\n'. No line exceeds the RFC's 72 bytes: a long comment is cut at
  /// 1022 bytes and wrapped with backslash continuation lines, and line breaks in it become
  /// spaces. `ssh-keygen -i -m RFC4716` reads every such file; puttygen (0.78) reads only
  /// one-line headers, so comments up to 59 bytes. Certificates: their certificate blob.
  std::string public_rfc4716() const;
  /// SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). Certificates: of the plain key.
  result<std::string> public_pem() const;
  /// Unencrypted private key PEM. Errors: not_a_private_key.
  result<secret_string> private_pem(pem_format format = pem_format::pkcs8) const;
  /// OpenSSH private key file ("-----BEGIN OPENSSH PRIVATE KEY-----"), encrypted with
  /// bcrypt_pbkdf (`rounds` rounds, 1..max_kdf_rounds) and aes256-ctr when the passphrase
  /// is not empty. Errors: not_a_private_key, invalid_value for rounds.
  result<secret_string> private_openssh(const secret_string& passphrase = {},
                                        std::uint32_t rounds = 16) const;

  /// "SHA256:<unpadded base64>" of the plain public key blob, as `ssh-keygen -lf` prints.
  std::string fingerprint_sha256() const;
  /// "MD5:aa:bb:..." as `ssh-keygen -E md5 -lf` prints.
  std::string fingerprint_md5() const;

  /// Signs data and returns an SSH signature blob (string algorithm, string signature).
  /// algorithm: empty for the key's default ("rsa-sha2-512" for RSA), or for RSA one of
  /// "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa". Certificates sign with their plain key.
  /// Errors: not_a_private_key, unsupported_algorithm (wrong name for this key, or DSA,
  /// which we refuse to sign with), crypto_failure.
  result<bytes> sign(byte_view data, std::string_view algorithm = {}) const;
  /// Verifies an SSH signature blob over data. Errors: invalid_signature (malformed blob,
  /// algorithm not valid for this key), signature_mismatch (well-formed but wrong).
  result<void> verify(byte_view data, byte_view signature_blob) const;

  /// For certificates: checks the CA signature (its algorithm must suit the CA key; RSA CAs
  /// must use rsa-sha2-256/512), that valid_after <= now < valid_before, the type, that
  /// `principal` is listed (an empty list allows any; an empty `principal` skips the check),
  /// and that every critical option is known (force-command, source-address,
  /// verify-required). Errors: certificate_invalid (not a certificate, bad CA signature),
  /// certificate_not_yet_valid, certificate_expired, certificate_wrong_type,
  /// principal_not_allowed, unknown_critical_option.
  result<void> verify_certificate(std::uint64_t now, certificate_type expected,
                                  std::string_view principal) const;

  explicit key(std::shared_ptr<const keys::key_impl> impl) noexcept : impl_(std::move(impl)) {}
  const keys::key_impl& impl() const noexcept { return *impl_; }

private:
  std::shared_ptr<const keys::key_impl> impl_;
};

/// Parses a key in any supported format, detected from its content:
///  - OpenSSH private key ("BEGIN OPENSSH PRIVATE KEY"), unencrypted or bcrypt-protected
///    with aes128/192/256-ctr, aes128/192/256-cbc or aes256-gcm@openssh.com;
///  - PEM: PKCS#1 RSA, SEC1 EC, DSA (plain or traditional-encrypted), PKCS#8 plain and
///    encrypted, SubjectPublicKeyInfo and PKCS#1 RSA public keys;
///  - one-line OpenSSH public keys and certificates ("ssh-ed25519 AAAA... comment");
///  - RFC 4716 public keys ("---- BEGIN SSH2 PUBLIC KEY ----");
///  - PuTTY private keys, PPK versions 2 and 3 (plain, or aes256-cbc with SHA-1 or Argon2
///    key derivation; Argon2 costs capped at 256 MiB, 64 passes, 16 lanes).
/// Errors: invalid_key_format (which part is wrong), passphrase_required,
/// wrong_passphrase, unsupported_key_type, unsupported_cipher, unsupported_kdf,
/// key_mismatch, truncated, length_exceeds_limit. Never crashes on arbitrary input.
result<key> parse_key(byte_view data, const secret_string& passphrase = {});
result<key> parse_key(byte_view data, const secret_string& passphrase,
                      const key_parse_options& options);

/// Generates a key. bits: 0 for the default; RSA 1024..16384 (default 3072); ECDSA 0 or the
/// curve's size; Ed25519 0 or 256. DSA is refused (unsupported_key_type): OpenSSH has
/// deprecated it and it only supports 1024-bit keys with SHA-1.
result<key> generate_key(key_type type, std::size_t bits = 0);

/// "ssh-ed25519", "ecdsa-sha2-nistp256", ... for a family.
std::string_view key_type_name(key_type type) noexcept;

}  // namespace sshlib
