#include "keys/ppk.hpp"

#include "crypto/cipher.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "keys/base64.hpp"
#include "keys/key_limits.hpp"
#include "keys/private_fields.hpp"
#include "keys/public_blob.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <argon2.h>

#include <charconv>
#include <optional>
#include <vector>

namespace sshlib::keys {
namespace {

// Lines of base64 in one section: 64 characters each, so this allows about 48 KiB.
constexpr std::size_t max_section_lines = 1024;
constexpr std::size_t max_line = 4096;

error bad(std::string what) { return {errc::invalid_key_format, "PuTTY key: " + std::move(what)}; }

// Reads the file line by line, CR LF or LF.
class line_reader {
public:
  explicit line_reader(std::string_view text) : text_(text) {}
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    auto end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "Key: value" with the expected key.
result<std::string_view> header(line_reader& in, std::string_view key) {
  auto line = in.next();
  if (!line) return bad("file ends before \"" + std::string(key) + ":\"");
  if (line->size() > max_line) return bad("line too long");
  const std::string prefix = std::string(key) + ": ";
  if (!line->starts_with(prefix)) return bad("expected \"" + std::string(key) + ":\", found \"" + std::string(line->substr(0, 40)) + "\"");
  return line->substr(prefix.size());
}

result<std::uint32_t> number(std::string_view text, std::string_view what) {
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) return bad(std::string(what) + " is not a number");
  return v;
}

result<bytes> section(line_reader& in, std::string_view key) {
  auto count_text = header(in, key);
  if (!count_text) return count_text.error();
  auto count = number(*count_text, key);
  if (!count) return count.error();
  if (*count > max_section_lines) {
    return error{errc::length_exceeds_limit, "PuTTY key: " + std::string(key) + " " + std::to_string(*count)};
  }
  std::string b64;
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto line = in.next();
    if (!line) return bad("file ends inside " + std::string(key));
    if (line->size() > max_line) return bad("line too long");
    b64 += *line;
  }
  auto decoded = base64_decode(b64);
  if (!decoded) return bad(std::string(key) + " are not base64");
  return std::move(*decoded);
}

result<bytes> hex_decode(std::string_view hex, std::string_view what) {
  if (hex.size() % 2 != 0 || hex.size() > 2 * 1024) return bad(std::string(what) + " is not hex");
  bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    std::uint8_t v = 0;
    const auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc{} || p != hex.data() + i + 2) return bad(std::string(what) + " is not hex");
    out.push_back(v);
  }
  return out;
}

struct derived {
  secure_bytes cipher_key, iv, mac_key;
};

// v2: key = SHA-1(0,0,0,0 || pass) || SHA-1(0,0,0,1 || pass), IV zero; MAC key =
// SHA-1("putty-private-key-file-mac-key" || pass).
derived derive_v2(const secret_string& pass, bool encrypted) {
  derived d;
  if (encrypted) {
    for (std::uint8_t i = 0; i < 2; ++i) {
      crypto::hasher h(crypto::digest_algorithm::sha1);
      const std::uint8_t counter[4] = {0, 0, 0, i};
      h.update(byte_view(counter, 4)).update(pass.as_bytes());
      const bytes part = h.finish();
      d.cipher_key.insert(d.cipher_key.end(), part.begin(), part.end());
    }
    d.cipher_key.resize(32);
    d.iv.assign(16, 0);
  }
  crypto::hasher h(crypto::digest_algorithm::sha1);
  h.update(std::string_view("putty-private-key-file-mac-key"));
  if (encrypted) h.update(pass.as_bytes());
  const bytes mk = h.finish();
  d.mac_key.assign(mk.begin(), mk.end());
  return d;
}

struct argon2_params {
  argon2_type type = Argon2_id;
  std::uint32_t memory = 0, passes = 0, parallelism = 0;
  bytes salt;
};

result<derived> derive_v3(const secret_string& pass, const argon2_params& a) {
  secure_bytes out(80);
  const int rc = argon2_hash(a.passes, a.memory, a.parallelism, pass.view().data(), pass.size(), a.salt.data(),
                             a.salt.size(), out.data(), out.size(), nullptr, 0, a.type, ARGON2_VERSION_13);
  if (rc != ARGON2_OK) return error{errc::crypto_failure, std::string("PuTTY key: Argon2 failed: ") + argon2_error_message(rc)};
  derived d;
  d.cipher_key.assign(out.begin(), out.begin() + 32);
  d.iv.assign(out.begin() + 32, out.begin() + 48);
  d.mac_key.assign(out.begin() + 48, out.end());
  return d;
}

// Converts PuTTY's private fields into the OpenSSH private-key field order (PROTOCOL.key),
// taking the public parts from the public blob.
result<secure_bytes> openssh_fields(std::string_view algorithm, byte_view public_blob, byte_view private_blob) {
  wire::reader pub(public_blob);
  wire::reader priv(private_blob);
  std::string_view type;
  if (!pub.read_string(type, limits::max_name_length) || type != algorithm) {
    return bad("the public key is not of type " + std::string(algorithm));
  }
  secure_bytes out;
  wire::secure_writer w(out);
  if (algorithm == "ssh-ed25519") {
    byte_view pk, seed;
    if (!pub.read_string(pk, 32) || !priv.read_string(seed, 32)) return bad("malformed Ed25519 fields");
    // PuTTY writes the secret as a little-endian number: high zero bytes may be missing.
    secure_bytes sk(seed.begin(), seed.end());
    sk.resize(32, 0);
    sk.insert(sk.end(), pk.begin(), pk.end());
    w.write_string(pk);
    w.write_string(byte_view(sk.data(), sk.size()));
    return out;
  }
  if (algorithm == "ssh-rsa") {
    byte_view e, n, d, p, q, iqmp;
    if (!pub.read_unsigned_mpint(e) || !pub.read_unsigned_mpint(n) || !priv.read_unsigned_mpint(d) ||
        !priv.read_unsigned_mpint(p) || !priv.read_unsigned_mpint(q) || !priv.read_unsigned_mpint(iqmp)) {
      return bad("malformed RSA fields");
    }
    for (byte_view v : {n, e, d, iqmp, p, q}) w.write_unsigned_mpint(v);
    return out;
  }
  if (algorithm.starts_with("ecdsa-sha2-")) {
    byte_view curve, point, scalar;
    if (!pub.read_string(curve, 64) || !pub.read_string(point, 256) || !priv.read_unsigned_mpint(scalar)) {
      return bad("malformed ECDSA fields");
    }
    w.write_string(curve);
    w.write_string(point);
    w.write_unsigned_mpint(scalar);
    return out;
  }
  if (algorithm == "ssh-dss") {
    byte_view p, q, g, y, x;
    if (!pub.read_unsigned_mpint(p) || !pub.read_unsigned_mpint(q) || !pub.read_unsigned_mpint(g) ||
        !pub.read_unsigned_mpint(y) || !priv.read_unsigned_mpint(x)) {
      return bad("malformed DSA fields");
    }
    for (byte_view v : {p, q, g, y, x}) w.write_unsigned_mpint(v);
    return out;
  }
  return error{errc::unsupported_key_type, "PuTTY key of type " + std::string(algorithm)};
}

void add_string(bytes& out, std::string_view s) { wire::writer(out).write_string(s); }
void add_string(bytes& out, byte_view s) { wire::writer(out).write_string(s); }

}  // namespace

result<key_impl> parse_ppk(std::string_view text, const secret_string& passphrase, const ppk_limits& lim) {
  line_reader in(text);
  auto first = in.next();
  if (!first || !first->starts_with(ppk_prefix)) return bad("not a PuTTY key file");
  const auto colon = first->find(": ");
  if (colon == std::string_view::npos) return bad("malformed first line");
  const std::string_view version = first->substr(ppk_prefix.size(), colon - ppk_prefix.size());
  if (version != "2" && version != "3") {
    return error{errc::invalid_key_format, "PuTTY key version " + std::string(version) + " (only 2 and 3 are supported)"};
  }
  const bool v3 = version == "3";
  const std::string algorithm(first->substr(colon + 2));

  auto encryption = header(in, "Encryption");
  if (!encryption) return encryption.error();
  const bool encrypted = *encryption == "aes256-cbc";
  if (!encrypted && *encryption != "none") {
    return error{errc::unsupported_cipher, "PuTTY key encrypted with " + std::string(*encryption)};
  }
  auto comment = header(in, "Comment");
  if (!comment) return comment.error();
  if (comment->size() > limits::max_comment_length) return error{errc::length_exceeds_limit, "PuTTY key comment"};
  auto public_blob = section(in, "Public-Lines");
  if (!public_blob) return public_blob.error();

  argon2_params argon;
  if (v3 && encrypted) {
    auto kdf = header(in, "Key-Derivation");
    if (!kdf) return kdf.error();
    if (*kdf == "Argon2id") {
      argon.type = Argon2_id;
    } else if (*kdf == "Argon2i") {
      argon.type = Argon2_i;
    } else if (*kdf == "Argon2d") {
      argon.type = Argon2_d;
    } else {
      return error{errc::unsupported_kdf, "PuTTY key derivation " + std::string(*kdf)};
    }
    for (auto [key, field] : {std::pair{"Argon2-Memory", &argon.memory}, std::pair{"Argon2-Passes", &argon.passes},
                              std::pair{"Argon2-Parallelism", &argon.parallelism}}) {
      auto h = header(in, key);
      if (!h) return h.error();
      auto v = number(*h, key);
      if (!v) return v.error();
      *field = *v;
    }
    if (argon.memory > lim.max_argon2_memory_kib || argon.passes > lim.max_argon2_passes ||
        argon.parallelism > lim.max_argon2_parallelism || argon.passes == 0 || argon.parallelism == 0) {
      return error{errc::length_exceeds_limit, "PuTTY key Argon2 parameters (memory " + std::to_string(argon.memory) +
                                                   " KiB, passes " + std::to_string(argon.passes) + ", parallelism " +
                                                   std::to_string(argon.parallelism) + ") are outside our limits"};
    }
    auto salt = header(in, "Argon2-Salt");
    if (!salt) return salt.error();
    auto salt_bytes = hex_decode(*salt, "Argon2-Salt");
    if (!salt_bytes) return salt_bytes.error();
    argon.salt = std::move(*salt_bytes);
  }
  auto private_blob = section(in, "Private-Lines");
  if (!private_blob) return private_blob.error();
  auto mac_hex = header(in, "Private-MAC");
  if (!mac_hex) return mac_hex.error();
  auto mac = hex_decode(*mac_hex, "Private-MAC");
  if (!mac) return mac.error();

  if (encrypted && passphrase.empty()) return error{errc::passphrase_required, "PuTTY key is encrypted"};
  derived keys_;
  if (v3) {
    if (encrypted) {
      auto d = derive_v3(passphrase, argon);
      if (!d) return d.error();
      keys_ = std::move(*d);
    }
  } else {
    keys_ = derive_v2(passphrase, encrypted);
  }

  secure_bytes plain(private_blob->begin(), private_blob->end());
  if (encrypted) {
    if (plain.empty() || plain.size() % 16 != 0) return bad("encrypted private section is not a multiple of 16 bytes");
    auto c = crypto::cipher_context::create("AES-256-CBC", byte_view(keys_.cipher_key.data(), 32),
                                            byte_view(keys_.iv.data(), 16), crypto::cipher_direction::decrypt);
    if (!c) return c.error();
    if (auto r = c->update(mutable_byte_view(plain.data(), plain.size())); !r) return r.error();
  }

  // The MAC covers the algorithm, encryption, comment, public blob and the private blob
  // (decrypted, with its padding), each as an SSH string.
  bytes macced;
  add_string(macced, algorithm);
  add_string(macced, *encryption);
  add_string(macced, *comment);
  add_string(macced, *public_blob);
  add_string(macced, byte_view(plain.data(), plain.size()));
  auto expected = crypto::hmac(v3 ? crypto::hmac_algorithm::sha256 : crypto::hmac_algorithm::sha1,
                               byte_view(keys_.mac_key.data(), keys_.mac_key.size()), macced);
  secure_wipe(macced.data(), macced.size());
  if (!expected) return expected.error();
  if (!crypto::constant_time_equal(*expected, *mac)) {
    if (encrypted) return error{errc::wrong_passphrase, "PuTTY key: the MAC does not verify with this passphrase"};
    return bad("the MAC does not verify: the file is corrupted");
  }

  auto fields = openssh_fields(algorithm, *public_blob, byte_view(plain.data(), plain.size()));
  if (!fields) return fields.error();
  wire::reader r(byte_view(fields->data(), fields->size()));
  auto k = read_private_fields(algorithm, r);
  if (!k) return k.error();
  if (keys::public_blob(*k) != *public_blob) {
    return error{errc::key_mismatch, "PuTTY key: the private key does not match the public key"};
  }
  k->comment = std::string(*comment);
  return k;
}

}  // namespace sshlib::keys
