// Named caps for everything the keys layer reads from files and blobs. Each length taken
// from input is checked against the bytes left (wire::reader does that) and against one of
// these before anything is allocated.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sshlib::keys::limits {

/// Largest key file parse_key looks at: real key files are a few KiB.
inline constexpr std::size_t max_key_file_size = 1024 * 1024;
/// Largest public key or certificate blob (OpenSSH's SSHKEY_CERT_MAX... is implied by its
/// 8 KiB authorized_keys line limit; certificates with many principals stay well below).
inline constexpr std::size_t max_public_blob = 64 * 1024;
/// Largest encrypted private section of an OpenSSH key file.
inline constexpr std::size_t max_private_section = 256 * 1024;
/// Comments are free text; OpenSSH puts no cap but nothing sane exceeds this.
inline constexpr std::size_t max_comment_length = 4096;
/// Cipher, KDF and key type names.
inline constexpr std::size_t max_name_length = 64;
/// bcrypt salt in the kdfoptions (ssh-keygen writes 16 bytes).
inline constexpr std::size_t max_kdf_salt = 1024;
inline constexpr std::size_t max_kdf_options = 4096;
/// RSA modulus sizes OpenSSH accepts (SSH_RSA_MINIMUM_MODULUS_SIZE, OPENSSL_RSA_MAX_MODULUS_BITS).
inline constexpr std::size_t min_rsa_bits = 1024;
inline constexpr std::size_t max_rsa_bits = 16384;
inline constexpr std::size_t default_rsa_bits = 3072;
/// Public exponents larger than this are refused: no real key has one, and a huge exponent
/// only makes verification slow.
inline constexpr std::size_t max_rsa_exponent_bytes = 64;
/// DSA: ssh-dss keys are 1024-bit; we accept up to 3072 for old FIPS 186-3 keys.
inline constexpr std::size_t min_dsa_bits = 1024;
inline constexpr std::size_t max_dsa_bits = 3072;
/// Certificates (PROTOCOL.certkeys): OpenSSH allows 256 principals (SSHKEY_CERT_MAX_PRINCIPALS).
inline constexpr std::size_t max_cert_principals = 256;
inline constexpr std::size_t max_cert_principal_length = 1024;
inline constexpr std::size_t max_cert_options = 64;
inline constexpr std::size_t max_cert_option_data = 8 * 1024;
inline constexpr std::size_t max_cert_key_id = 4096;
inline constexpr std::size_t max_cert_nonce = 1024;
/// Signature blobs: the largest is an RSA-16384 signature (2 KiB) plus names.
inline constexpr std::size_t max_signature_blob = 4096;

/// PuTTY PPK files: base64 lines per Public-Lines / Private-Lines section (puttygen writes
/// 64 characters a line, so 1024 lines hold about 48 KiB, far above an RSA-16384 key) and
/// the length of any one line.
inline constexpr std::size_t max_ppk_section_lines = 1024;
inline constexpr std::size_t max_ppk_line = 4096;
/// PPK v3 Argon2 costs come from the file, so a hostile one could ask for gigabytes and
/// minutes. puttygen's defaults are 8 MiB, 13 passes (or its time-based count) and 1 lane;
/// these caps leave room for deliberately slow keys while bounding memory and time.
inline constexpr std::uint32_t max_argon2_memory_kib = 256 * 1024;  // 256 MiB
inline constexpr std::uint32_t max_argon2_passes = 64;
inline constexpr std::uint32_t max_argon2_parallelism = 16;
/// Argon2-Salt (puttygen writes 16 bytes) and Private-MAC (32 bytes) are hex on one line.
inline constexpr std::size_t max_ppk_hex_bytes = 1024;
/// RFC 4716 section 3: lines are at most 72 bytes, header tags at most 64 and values at
/// most 1024 (after joining continuation lines). We read lines up to max_rfc4716_line
/// because some tools wrap wider, and bound the number of lines.
inline constexpr std::size_t max_rfc4716_line = 1024;
inline constexpr std::size_t max_rfc4716_lines = 2048;
inline constexpr std::size_t max_rfc4716_tag = 64;
inline constexpr std::size_t max_rfc4716_value = 1024;
/// Columns of what we write: 70, as ssh-keygen -e does, within the RFC's 72.
inline constexpr std::size_t rfc4716_write_columns = 70;
/// known_hosts files (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT). A large site-wide file has a
/// few thousand lines of under 1 KiB; these caps leave room for far more.
inline constexpr std::size_t max_known_hosts_file_size = 64 * 1024 * 1024;
/// A longer line is reported and skipped: an RSA-16384 key line is under 3 KiB.
inline constexpr std::size_t max_known_hosts_line = 16 * 1024;
/// More entries than this fail the whole file instead of truncating it, so that a
/// @revoked line further down can never be silently ignored.
inline constexpr std::size_t max_known_hosts_entries = 100000;
/// Warnings kept per file; further malformed lines are only counted.
inline constexpr std::size_t max_known_hosts_warnings = 1000;
/// Host names looked up or written (NI_MAXHOST is 1025 with its NUL).
inline constexpr std::size_t max_host_name_length = 1024;
/// Hashed host fields (|1|salt|hash): OpenSSH's extract_salt refuses a longer salt field.
inline constexpr std::size_t max_hashed_salt_field = 1024;

}  // namespace sshlib::keys::limits
