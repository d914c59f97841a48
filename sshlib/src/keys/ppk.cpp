#include "keys/ppk.hpp"

#include "crypto/cipher.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/digest.hpp"
#include "crypto/hmac.hpp"
#include "keys/base64.hpp"
#include "keys/key_limits.hpp"
#include "keys/private_fields.hpp"
#include "keys/public_blob.hpp"
#include "keys/wire_errors.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <argon2.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace sshlib::keys {
namespace {

constexpr std::size_t aes_block = 16;

error bad(std::string what) {
  return {errc::invalid_key_format, "PuTTY key: " + std::move(what)};
}

error too_long(std::string what) {
  return {errc::length_exceeds_limit, "PuTTY key: " + std::move(what)};
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// Reads the file line by line, CR LF or LF, refusing lines longer than the cap.
class line_reader {
 public:
  explicit line_reader(std::string_view text) : text_(text) {}

  // nullopt at the end of the file; `what` names the expected line in errors.
  result<std::optional<std::string_view>> next(std::string_view what) {
    if (pos_ >= text_.size()) return std::optional<std::string_view>{};
    auto end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limits::max_ppk_line) {
      return too_long(std::string(what) + " line of " + std::to_string(line.size()) + " bytes");
    }
    return std::optional<std::string_view>(line);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The value of a "Key: value" line, which must be the next line: PuTTY writes the headers
// in a fixed order, and so does every other tool that writes PPK files.
result<std::string_view> header(line_reader& in, std::string_view key) {
  auto line = in.next(quoted(std::string(key) + ":"));
  if (!line) return line.error();
  if (!*line) return bad("file ends before the " + quoted(std::string(key) + ":") + " line");
  const std::string prefix = std::string(key) + ": ";
  if (!(*line)->starts_with(prefix)) {
    return bad("expected " + quoted(std::string(key) + ":") + ", found " +
               quoted((*line)->substr(0, 40)));
  }
  return (*line)->substr(prefix.size());
}

result<std::uint32_t> number(std::string_view text, std::string_view what) {
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    return bad(std::string(what) +
               " is not a decimal number below 2^32: " + quoted(text.substr(0, 40)));
  }
  return v;
}

// "Public-Lines: n" or "Private-Lines: n" and the n base64 lines after it. The private
// section of an unencrypted file is the private key itself, hence secure_bytes.
result<secure_bytes> section(line_reader& in, std::string_view key) {
  auto count_text = header(in, key);
  if (!count_text) return count_text.error();
  auto count = number(*count_text, key);
  if (!count) return count.error();
  if (*count > limits::max_ppk_section_lines) {
    return too_long(std::string(key) + " " + std::to_string(*count) + " is more than " +
                    std::to_string(limits::max_ppk_section_lines));
  }
  // Reserved for puttygen's 64 columns so that growing leaves no stray copies of a key.
  std::string b64;
  b64.reserve(std::size_t{*count} * 64);
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto line = in.next(std::string(key) + " base64");
    if (!line) return line.error();
    if (!*line) {
      return bad("file ends after " + std::to_string(i) + " of " + std::to_string(*count) + " " +
                 std::string(key));
    }
    b64 += **line;
  }
  auto decoded = base64_decode(b64);
  secure_wipe(b64.data(), b64.size());
  if (!decoded) return bad("the " + std::string(key) + " are not base64");
  secure_bytes out(decoded->begin(), decoded->end());
  secure_wipe(decoded->data(), decoded->size());
  return out;
}

result<bytes> hex_decode(std::string_view hex, std::string_view what) {
  if (hex.size() > 2 * limits::max_ppk_hex_bytes) {
    return too_long(std::string(what) + " of " + std::to_string(hex.size()) + " hex digits");
  }
  if (hex.size() % 2 != 0) return bad(std::string(what) + " has an odd number of hex digits");
  bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    std::uint8_t v = 0;
    const auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc{} || p != hex.data() + i + 2) {
      return bad(std::string(what) + " is not hex at digit " + std::to_string(i + 1));
    }
    out.push_back(v);
  }
  return out;
}

struct argon2_params {
  argon2_type type = Argon2_id;
  std::uint32_t memory_kib = 0, passes = 0, parallelism = 0;
  bytes salt;
};

// The v3 headers between Public-Lines and Private-Lines of an encrypted file. Every cost is
// checked against our caps and against Argon2's own minimums here, before anything is
// allocated, so a hostile file is refused in microseconds.
result<argon2_params> read_argon2_params(line_reader& in, const ppk_limits& caps) {
  argon2_params a;
  auto kdf = header(in, "Key-Derivation");
  if (!kdf) return kdf.error();
  if (*kdf == "Argon2id") {
    a.type = Argon2_id;
  } else if (*kdf == "Argon2i") {
    a.type = Argon2_i;
  } else if (*kdf == "Argon2d") {
    a.type = Argon2_d;
  } else {
    return error{errc::unsupported_kdf, "PuTTY key derivation " + quoted(kdf->substr(0, 40)) +
                                            " (Argon2id, Argon2i or Argon2d expected)"};
  }
  for (auto [key, field] :
       {std::pair{"Argon2-Memory", &a.memory_kib}, std::pair{"Argon2-Passes", &a.passes},
        std::pair{"Argon2-Parallelism", &a.parallelism}}) {
    auto h = header(in, key);
    if (!h) return h.error();
    auto v = number(*h, key);
    if (!v) return v.error();
    *field = *v;
  }
  if (a.memory_kib > caps.max_argon2_memory_kib || a.passes > caps.max_argon2_passes ||
      a.parallelism > caps.max_argon2_parallelism) {
    return too_long("Argon2 costs (memory " + std::to_string(a.memory_kib) + " KiB, passes " +
                    std::to_string(a.passes) + ", parallelism " + std::to_string(a.parallelism) +
                    ") exceed our caps (" + std::to_string(caps.max_argon2_memory_kib) + " KiB, " +
                    std::to_string(caps.max_argon2_passes) + ", " +
                    std::to_string(caps.max_argon2_parallelism) + ")");
  }
  // Argon2 needs at least one pass and one lane, and 8 KiB of memory per lane (compared by
  // division: the caps are the caller's and could be large enough to overflow 8 * lanes).
  if (a.passes < ARGON2_MIN_TIME || a.parallelism < ARGON2_MIN_LANES ||
      a.memory_kib / 8 < a.parallelism) {
    return bad("Argon2 costs (memory " + std::to_string(a.memory_kib) + " KiB, passes " +
               std::to_string(a.passes) + ", parallelism " + std::to_string(a.parallelism) +
               ") are below Argon2's minimums (1 pass, 1 lane, 8 KiB per lane)");
  }
  auto salt_hex = header(in, "Argon2-Salt");
  if (!salt_hex) return salt_hex.error();
  auto salt = hex_decode(*salt_hex, "Argon2-Salt");
  if (!salt) return salt.error();
  if (salt->size() < ARGON2_MIN_SALT_LENGTH) {
    return bad("Argon2-Salt of " + std::to_string(salt->size()) + " bytes (Argon2 needs at least " +
               std::to_string(ARGON2_MIN_SALT_LENGTH) + ")");
  }
  a.salt = std::move(*salt);
  return a;
}

struct derived {
  secure_bytes cipher_key, iv, mac_key;
};

// v2: key = SHA-1(0,0,0,0 || pass) || SHA-1(0,0,0,1 || pass), first 32 bytes; IV zero; MAC
// key = SHA-1("putty-private-key-file-mac-key" || pass), the passphrase empty when the
// file is not encrypted.
derived derive_v2(const secret_string& pass, bool encrypted) {
  derived d;
  if (encrypted) {
    for (std::uint8_t i = 0; i < 2; ++i) {
      crypto::hasher h(crypto::digest_algorithm::sha1);
      const std::uint8_t counter[4] = {0, 0, 0, i};
      h.update(byte_view(counter, 4)).update(pass.as_bytes());
      bytes part = h.finish();
      d.cipher_key.insert(d.cipher_key.end(), part.begin(), part.end());
      secure_wipe(part.data(), part.size());
    }
    d.cipher_key.resize(32);
    d.iv.assign(aes_block, 0);
  }
  crypto::hasher h(crypto::digest_algorithm::sha1);
  h.update(std::string_view("putty-private-key-file-mac-key"));
  if (encrypted) h.update(pass.as_bytes());
  bytes mk = h.finish();
  d.mac_key.assign(mk.begin(), mk.end());
  secure_wipe(mk.data(), mk.size());
  return d;
}

// v3, encrypted: Argon2 gives 80 bytes, the cipher key (32), IV (16) and MAC key (32).
// Unencrypted v3 files have an empty MAC key and no cipher.
result<derived> derive_v3(const secret_string& pass, const argon2_params& a) {
  secure_bytes out(80);
  const int rc = argon2_hash(a.passes, a.memory_kib, a.parallelism, pass.view().data(), pass.size(),
                             a.salt.data(), a.salt.size(), out.data(), out.size(), nullptr, 0,
                             a.type, ARGON2_VERSION_13);
  if (rc != ARGON2_OK) {
    return error{errc::crypto_failure,
                 std::string("PuTTY key: Argon2: ") + argon2_error_message(rc)};
  }
  derived d;
  d.cipher_key.assign(out.begin(), out.begin() + 32);
  d.iv.assign(out.begin() + 32, out.begin() + 48);
  d.mac_key.assign(out.begin() + 48, out.end());
  return d;
}

// Converts PuTTY's private fields into the OpenSSH private-key field order (PROTOCOL.key,
// see private_fields.hpp), taking the public parts from the public blob. Bytes after the
// private fields are the cipher's padding and are ignored, as PuTTY does.
result<secure_bytes> openssh_fields(std::string_view algorithm, byte_view public_blob,
                                    byte_view private_blob) {
  wire::reader pub(public_blob);
  wire::reader priv(private_blob);
  std::string_view type;
  if (!pub.read_string(type, limits::max_name_length)) {
    return read_failure(pub, "PuTTY key: public key type");
  }
  if (type != algorithm) {
    return bad("the first line says " + quoted(algorithm) + " but the public key is " +
               quoted(type));
  }
  secure_bytes out;
  wire::secure_writer w(out);
  if (algorithm == "ssh-ed25519") {
    // PuTTY writes the 32-byte seed; OpenSSH's layout is pk, then seed || pk.
    byte_view pk, seed;
    if (!pub.read_string(pk, 32)) return read_failure(pub, "PuTTY key: Ed25519 public key");
    if (!priv.read_string(seed, 32)) return read_failure(priv, "PuTTY key: Ed25519 private seed");
    if (seed.size() != 32) {
      return bad("Ed25519 private seed of " + std::to_string(seed.size()) + " bytes");
    }
    secure_bytes sk(seed.begin(), seed.end());
    sk.insert(sk.end(), pk.begin(), pk.end());
    w.write_string(pk);
    w.write_string(byte_view(sk.data(), sk.size()));
    return out;
  }
  if (algorithm == "ssh-rsa") {
    // PuTTY: public e, n; private d, p, q, iqmp. OpenSSH: n, e, d, iqmp, p, q.
    byte_view e, n, d, p, q, iqmp;
    if (!pub.read_unsigned_mpint(e) || !pub.read_unsigned_mpint(n)) {
      return read_failure(pub, "PuTTY key: RSA e, n");
    }
    if (!priv.read_unsigned_mpint(d) || !priv.read_unsigned_mpint(p) ||
        !priv.read_unsigned_mpint(q) || !priv.read_unsigned_mpint(iqmp)) {
      return read_failure(priv, "PuTTY key: RSA d, p, q, iqmp");
    }
    for (byte_view v : {n, e, d, iqmp, p, q}) w.write_unsigned_mpint(v);
    return out;
  }
  if (algorithm.starts_with("ecdsa-sha2-")) {
    byte_view curve, point, scalar;
    if (!pub.read_string(curve, limits::max_name_length) || !pub.read_string(point, 256)) {
      return read_failure(pub, "PuTTY key: ECDSA curve and point");
    }
    if (!priv.read_unsigned_mpint(scalar)) {
      return read_failure(priv, "PuTTY key: ECDSA private scalar");
    }
    w.write_string(curve);
    w.write_string(point);
    w.write_unsigned_mpint(scalar);
    return out;
  }
  if (algorithm == "ssh-dss") {
    byte_view p, q, g, y, x;
    if (!pub.read_unsigned_mpint(p) || !pub.read_unsigned_mpint(q) || !pub.read_unsigned_mpint(g) ||
        !pub.read_unsigned_mpint(y)) {
      return read_failure(pub, "PuTTY key: DSA p, q, g, y");
    }
    if (!priv.read_unsigned_mpint(x)) return read_failure(priv, "PuTTY key: DSA x");
    for (byte_view v : {p, q, g, y, x}) w.write_unsigned_mpint(v);
    return out;
  }
  return error{errc::unsupported_key_type, "PuTTY key of type " + quoted(algorithm)};
}

// The MAC covers the algorithm, encryption, comment, public blob and the decrypted private
// blob with its padding, each as an SSH string. It is compared in constant time: on an
// encrypted file it is what tells a wrong passphrase from a right one.
result<void> check_mac(bool v3, byte_view mac_key, std::string_view algorithm,
                       std::string_view encryption, std::string_view comment, byte_view public_blob,
                       byte_view private_blob, byte_view mac) {
  secure_bytes macced;
  wire::secure_writer w(macced);
  w.write_string(algorithm);
  w.write_string(encryption);
  w.write_string(comment);
  w.write_string(public_blob);
  w.write_string(private_blob);
  auto expected = crypto::hmac(v3 ? crypto::hmac_algorithm::sha256 : crypto::hmac_algorithm::sha1,
                               mac_key, byte_view(macced.data(), macced.size()));
  if (!expected) return expected.error();
  if (crypto::constant_time_equal(*expected, mac)) return {};
  if (encryption != "none") {
    return error{errc::wrong_passphrase, "PuTTY key: the MAC does not verify with this passphrase"};
  }
  return bad("the MAC does not verify: the file is corrupted or was edited");
}

// The file's contents, checked for form but not yet unlocked.
struct ppk_file {
  bool v3 = false;
  std::string_view algorithm, encryption, comment;
  secure_bytes public_blob, private_blob;
  argon2_params argon;  // v3, encrypted
  bytes mac;
};

// Reads every line in PuTTY's fixed order; the passphrase plays no part yet.
result<ppk_file> read_ppk(std::string_view text, const ppk_limits& caps) {
  line_reader in(text);
  auto first = in.next("first");
  if (!first) return first.error();
  if (!*first || !(*first)->starts_with(ppk_prefix)) return bad("not a PuTTY key file");
  const auto colon = (*first)->find(": ");
  if (colon == std::string_view::npos) return bad("first line has no \": \"");
  const std::string_view version = (*first)->substr(ppk_prefix.size(), colon - ppk_prefix.size());
  if (version != "2" && version != "3") {
    return bad("version " + quoted(version.substr(0, 40)) + " (only 2 and 3 are supported)");
  }
  ppk_file f;
  f.v3 = version == "3";
  f.algorithm = (*first)->substr(colon + 2);
  if (f.algorithm.size() > limits::max_name_length) {
    return too_long("key type name on the first line");
  }
  auto encryption = header(in, "Encryption");
  if (!encryption) return encryption.error();
  f.encryption = *encryption;
  if (f.encryption != "none" && f.encryption != "aes256-cbc") {
    return error{errc::unsupported_cipher, "PuTTY key encrypted with " +
                                               quoted(f.encryption.substr(0, 40)) +
                                               " (none or aes256-cbc expected)"};
  }
  const bool encrypted = f.encryption != "none";
  auto comment = header(in, "Comment");
  if (!comment) return comment.error();
  f.comment = *comment;
  if (f.comment.size() > limits::max_comment_length) return too_long("comment");
  auto public_blob = section(in, "Public-Lines");
  if (!public_blob) return public_blob.error();
  f.public_blob = std::move(*public_blob);
  if (f.public_blob.size() > limits::max_public_blob) return too_long("public key blob");
  if (f.v3 && encrypted) {
    auto a = read_argon2_params(in, caps);
    if (!a) return a.error();
    f.argon = std::move(*a);
  }
  auto private_blob = section(in, "Private-Lines");
  if (!private_blob) return private_blob.error();
  f.private_blob = std::move(*private_blob);
  if (encrypted && (f.private_blob.empty() || f.private_blob.size() % aes_block != 0)) {
    return bad("encrypted private section of " + std::to_string(f.private_blob.size()) +
               " bytes is not a non-zero multiple of 16");
  }
  auto mac_hex = header(in, "Private-MAC");
  if (!mac_hex) return mac_hex.error();
  auto mac = hex_decode(*mac_hex, "Private-MAC");
  if (!mac) return mac.error();
  f.mac = std::move(*mac);
  return f;
}

// Derives the keys, decrypts the private blob in place and checks the MAC.
result<void> unlock(ppk_file& f, const secret_string& passphrase) {
  const bool encrypted = f.encryption != "none";
  if (encrypted && passphrase.empty()) {
    return error{errc::passphrase_required, "PuTTY key is encrypted (aes256-cbc)"};
  }
  derived secrets;
  if (!f.v3) {
    secrets = derive_v2(passphrase, encrypted);
  } else if (encrypted) {
    auto d = derive_v3(passphrase, f.argon);
    if (!d) return d.error();
    secrets = std::move(*d);
  }
  if (encrypted) {
    auto c = crypto::cipher_context::create("AES-256-CBC", secrets.cipher_key, secrets.iv,
                                            crypto::cipher_direction::decrypt);
    if (!c) return c.error();
    if (auto r = c->update(mutable_byte_view(f.private_blob)); !r) return r;
  }
  return check_mac(f.v3, secrets.mac_key, f.algorithm, f.encryption, f.comment, f.public_blob,
                   f.private_blob, f.mac);
}

}  // namespace

result<key_impl> parse_ppk(std::string_view text, const secret_string& passphrase,
                           const ppk_limits& caps) {
  auto f = read_ppk(text, caps);
  if (!f) return f.error();
  if (auto r = unlock(*f, passphrase); !r) return r.error();
  auto fields = openssh_fields(f->algorithm, f->public_blob, f->private_blob);
  if (!fields) return fields.error();
  wire::reader r(byte_view(fields->data(), fields->size()));
  auto k = read_private_fields(f->algorithm, r);
  if (!k) return k.error();
  // read_private_fields checked the private half against the public half it was given; this
  // checks that the public half is the file's public key exactly (e.g. no re-encoding).
  if (!std::ranges::equal(keys::public_blob(*k), f->public_blob)) {
    return error{errc::key_mismatch, "PuTTY key: the private key does not match the public key"};
  }
  k->comment = std::string(f->comment);
  return k;
}

}  // namespace sshlib::keys
