#include "keys/openssh_private.hpp"

#include "crypto/bcrypt_pbkdf.hpp"
#include "crypto/cipher.hpp"
#include "crypto/random.hpp"
#include "keys/armor.hpp"
#include "keys/key_limits.hpp"
#include "keys/private_fields.hpp"
#include "keys/public_blob.hpp"
#include "keys/wire_errors.hpp"
#include "wire/writer.hpp"

#include <array>
#include <string>

namespace sshlib::keys {
namespace {

constexpr std::string_view magic{"openssh-key-v1\0", 15};
constexpr std::size_t max_keys = 1;  // OpenSSH itself writes and reads exactly one key
constexpr std::size_t salt_size = 16;

struct cipher_info {
  std::string_view ssh_name;
  const char* openssl_name;
  std::size_t key_len;
  std::size_t iv_len;
  std::size_t block_size;
  std::size_t tag_len;  // AEAD tag appended after the encrypted section
};

constexpr std::array<cipher_info, 9> ciphers{{
    {"none", nullptr, 0, 0, 8, 0},
    {"aes128-ctr", "AES-128-CTR", 16, 16, 16, 0},
    {"aes192-ctr", "AES-192-CTR", 24, 16, 16, 0},
    {"aes256-ctr", "AES-256-CTR", 32, 16, 16, 0},
    {"aes128-cbc", "AES-128-CBC", 16, 16, 16, 0},
    {"aes192-cbc", "AES-192-CBC", 24, 16, 16, 0},
    {"aes256-cbc", "AES-256-CBC", 32, 16, 16, 0},
    {"aes128-gcm@openssh.com", "AES-128-GCM", 16, 12, 16, 16},
    {"aes256-gcm@openssh.com", "AES-256-GCM", 32, 12, 16, 16},
}};

const cipher_info* find_cipher(std::string_view name) {
  for (const auto& c : ciphers) {
    if (c.ssh_name == name) return &c;
  }
  return nullptr;
}

struct kdf_params {
  byte_view salt;
  std::uint32_t rounds = 0;
};

// Decrypts the private section in place. For AEAD ciphers `tag` authenticates it, so a
// wrong passphrase shows up here; otherwise only the check integers reveal it later.
result<void> decrypt_section(const cipher_info& c, const kdf_params& kdf, const secret_string& passphrase,
                             mutable_byte_view section, byte_view tag) {
  secure_bytes key_iv(c.key_len + c.iv_len);
  if (auto r = crypto::bcrypt_pbkdf(passphrase.as_bytes(), kdf.salt, kdf.rounds, key_iv); !r) {
    return error{errc::invalid_key_format, "OpenSSH private key: KDF: " + r.error().message()};
  }
  const byte_view key = byte_view(key_iv).first(c.key_len);
  const byte_view iv = byte_view(key_iv).subspan(c.key_len);
  auto ctx = crypto::cipher_context::create(c.openssl_name, key, iv, crypto::cipher_direction::decrypt);
  if (!ctx) return std::move(ctx).error();
  if (c.tag_len > 0) {
    if (auto r = ctx->set_tag(tag); !r) return r;
  }
  if (auto r = ctx->update(section); !r) return r;
  if (auto r = ctx->finish(); !r) {
    if (r.code() == errc::authentication_failed) {
      return error{errc::wrong_passphrase, "OpenSSH private key: " + std::string(c.ssh_name) +
                                               " tag does not verify (wrong passphrase or corrupted file)"};
    }
    return r;
  }
  return {};
}

// Reads the decrypted private section: check integers, one key, comment, padding 1, 2, 3...
result<key_impl> read_section(byte_view plain, bool encrypted, std::size_t block_size) {
  wire::reader r(plain);
  std::uint32_t check1 = 0, check2 = 0;
  if (!r.read_u32(check1) || !r.read_u32(check2)) return read_failure(r, "OpenSSH private key: check integers");
  if (check1 != check2) {
    if (encrypted) return error{errc::wrong_passphrase, "OpenSSH private key: check integers differ after decryption"};
    return error{errc::invalid_key_format, "OpenSSH private key: check integers differ (corrupted file)"};
  }
  std::string_view type;
  if (!r.read_string(type, limits::max_name_length)) return read_failure(r, "OpenSSH private key: key type");
  auto k = read_private_fields(type, r);
  if (!k) return std::move(k).error();
  if (!r.read_string(k->comment, limits::max_comment_length)) return read_failure(r, "OpenSSH private key: comment");
  const byte_view padding = r.rest();
  if (padding.size() >= block_size) {
    return error{errc::invalid_key_format, "OpenSSH private key: " + std::to_string(padding.size()) +
                                               " bytes after the key, more than one block of padding"};
  }
  for (std::size_t i = 0; i < padding.size(); ++i) {
    if (padding[i] != static_cast<std::uint8_t>(i + 1)) {
      return error{errc::invalid_key_format, "OpenSSH private key: bad padding byte"};
    }
  }
  return k;
}

}  // namespace

result<key_impl> parse_openssh_private(std::string_view text, const secret_string& passphrase,
                                       const key_parse_options& options) {
  auto body = decode_armor(text, openssh_private_begin, openssh_private_end, "OpenSSH private key");
  if (!body) return std::move(body).error();
  return parse_openssh_private_binary(*body, passphrase, options);
}

result<key_impl> parse_openssh_private_binary(byte_view data, const secret_string& passphrase,
                                              const key_parse_options& options) {
  wire::reader r(data);
  byte_view m;
  if (!r.read_raw(m, magic.size()) || as_string_view(m) != magic) {
    return error{errc::invalid_key_format, "OpenSSH private key: missing \"openssh-key-v1\" magic"};
  }
  std::string_view cipher_name, kdf_name;
  byte_view kdf_options, public_key, section;
  std::uint32_t nkeys = 0;
  if (!r.read_string(cipher_name, limits::max_name_length) || !r.read_string(kdf_name, limits::max_name_length) ||
      !r.read_string(kdf_options, limits::max_kdf_options) || !r.read_u32(nkeys)) {
    return read_failure(r, "OpenSSH private key: header");
  }
  if (nkeys != max_keys) {
    return error{errc::invalid_key_format, "OpenSSH private key: holds " + std::to_string(nkeys) +
                                               " keys; exactly 1 is supported"};
  }
  if (!r.read_string(public_key, limits::max_public_blob) ||
      !r.read_string(section, limits::max_private_section)) {
    return read_failure(r, "OpenSSH private key: public key and private section");
  }
  const cipher_info* cipher = find_cipher(cipher_name);
  if (cipher == nullptr) {
    return error{errc::unsupported_cipher, "OpenSSH private key: cipher \"" + std::string(cipher_name) + "\""};
  }
  byte_view tag;
  if (!r.read_raw(tag, cipher->tag_len) || !r.expect_end()) {
    return read_failure(r, "OpenSSH private key: after the private section");
  }
  const bool encrypted = cipher->openssl_name != nullptr;
  kdf_params kdf;
  if (kdf_name == "none") {
    if (encrypted || !kdf_options.empty()) {
      return error{errc::invalid_key_format, "OpenSSH private key: cipher without KDF"};
    }
  } else if (kdf_name == "bcrypt") {
    if (!encrypted) return error{errc::invalid_key_format, "OpenSSH private key: KDF without cipher"};
    wire::reader kr(kdf_options);
    if (!kr.read_string(kdf.salt, limits::max_kdf_salt) || !kr.read_u32(kdf.rounds) || !kr.expect_end()) {
      return read_failure(kr, "OpenSSH private key: bcrypt options");
    }
    if (kdf.salt.empty() || kdf.rounds == 0) {
      return error{errc::invalid_key_format, "OpenSSH private key: bcrypt salt or rounds is zero"};
    }
    if (kdf.rounds > options.max_kdf_rounds) {
      return error{errc::length_exceeds_limit, "OpenSSH private key: " + std::to_string(kdf.rounds) +
                                                   " bcrypt rounds, above the limit of " +
                                                   std::to_string(options.max_kdf_rounds)};
    }
  } else {
    return error{errc::unsupported_kdf, "OpenSSH private key: KDF \"" + std::string(kdf_name) + "\""};
  }
  if (section.size() < 8 || section.size() % cipher->block_size != 0) {
    return error{errc::invalid_key_format, "OpenSSH private key: private section of " +
                                               std::to_string(section.size()) + " bytes is not whole blocks"};
  }
  if (encrypted && passphrase.empty()) {
    return error{errc::passphrase_required, "OpenSSH private key encrypted with " + std::string(cipher_name)};
  }
  secure_bytes plain(section.begin(), section.end());
  if (encrypted) {
    if (auto d = decrypt_section(*cipher, kdf, passphrase, plain, tag); !d) return d.error();
  }
  auto k = read_section(plain, encrypted, cipher->block_size);
  if (!k) return std::move(k).error();
  if (public_blob(*k) != bytes(public_key.begin(), public_key.end())) {
    return error{errc::key_mismatch, "OpenSSH private key: the public key in the header is not the private key's"};
  }
  return k;
}

result<secret_string> write_openssh_private(const key_impl& k, const secret_string& passphrase,
                                            std::uint32_t rounds) {
  constexpr std::uint32_t max_write_rounds = 10000;
  if (!k.has_private) return error{errc::not_a_private_key, "writing an OpenSSH private key"};
  if (rounds == 0 || rounds > max_write_rounds) {
    return error{errc::invalid_value, "bcrypt rounds must be 1.." + std::to_string(max_write_rounds)};
  }
  const bool encrypt = !passphrase.empty();
  const cipher_info& cipher = encrypt ? *find_cipher("aes256-ctr") : *find_cipher("none");

  secure_bytes section;
  wire::secure_writer sw(section);
  std::array<std::uint8_t, 4> check{};
  crypto::random_fill(check);
  sw.write_raw(check);
  sw.write_raw(check);
  write_private_fields(sw, k);
  sw.write_string(k.comment);
  for (std::uint8_t pad = 1; section.size() % cipher.block_size != 0; ++pad) sw.write_byte(pad);

  bytes kdf_options;
  if (encrypt) {
    const bytes salt = crypto::random_bytes(salt_size);
    wire::writer kw(kdf_options);
    kw.write_string(salt);
    kw.write_u32(rounds);
    secure_bytes key_iv(cipher.key_len + cipher.iv_len);
    if (auto r = crypto::bcrypt_pbkdf(passphrase.as_bytes(), salt, rounds, key_iv); !r) return r.error();
    auto ctx = crypto::cipher_context::create(cipher.openssl_name, byte_view(key_iv).first(cipher.key_len),
                                              byte_view(key_iv).subspan(cipher.key_len),
                                              crypto::cipher_direction::encrypt);
    if (!ctx) return std::move(ctx).error();
    if (auto r = ctx->update(section); !r) return r.error();
  }

  secure_bytes file(magic.begin(), magic.end());
  wire::secure_writer w(file);
  w.write_string(cipher.ssh_name);
  w.write_string(encrypt ? std::string_view("bcrypt") : std::string_view("none"));
  w.write_string(kdf_options);
  w.write_u32(1);
  w.write_string(public_blob(k));
  w.write_string(section);
  return encode_armor(file, openssh_private_begin, openssh_private_end);
}

}  // namespace sshlib::keys
