#include "keys/sshsig.hpp"

#include "crypto/digest.hpp"
#include "keys/armor.hpp"
#include "keys/key_limits.hpp"
#include "keys/wire_errors.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <string>

namespace sshlib::keys {
namespace {

constexpr std::string_view preamble = "SSHSIG";
constexpr std::uint32_t version = 1;
constexpr std::size_t max_namespace = 1024;

// The bytes actually signed (PROTOCOL.sshsig "Signed Data").
bytes signed_data(std::string_view ns, byte_view reserved, std::string_view hash_alg, byte_view message) {
  const auto alg = hash_alg == "sha256" ? crypto::digest_algorithm::sha256 : crypto::digest_algorithm::sha512;
  bytes out(preamble.begin(), preamble.end());
  wire::writer w(out);
  w.write_string(ns);
  w.write_string(reserved);
  w.write_string(hash_alg);
  w.write_string(crypto::digest(alg, message));
  return out;
}

}  // namespace

result<std::string> sshsig_sign(const key& signer, std::string_view ns, byte_view message) {
  if (ns.empty()) return error{errc::invalid_value, "sshsig: empty namespace"};
  constexpr std::string_view hash_alg = "sha512";
  const bytes to_sign = signed_data(ns, {}, hash_alg, message);
  auto sig = signer.sign(to_sign, signer.kind() == key_type::rsa ? "rsa-sha2-512" : "");
  if (!sig) return std::move(sig).error();
  bytes blob(preamble.begin(), preamble.end());
  wire::writer w(blob);
  w.write_u32(version);
  w.write_string(signer.plain().public_blob());
  w.write_string(ns);
  w.write_string(std::string_view{});
  w.write_string(hash_alg);
  w.write_string(*sig);
  return std::string(encode_armor(blob, sshsig_begin, sshsig_end).view());
}

result<key> sshsig_verify(std::string_view armored, std::string_view ns, byte_view message) {
  auto blob = decode_armor(armored, sshsig_begin, sshsig_end, "SSH signature");
  if (!blob) return error{errc::invalid_signature, blob.error().detail};
  wire::reader r(*blob);
  byte_view magic, public_key, reserved, sig;
  std::string_view sig_ns, hash_alg;
  std::uint32_t ver = 0;
  if (!r.read_raw(magic, preamble.size()) || as_string_view(magic) != preamble || !r.read_u32(ver) ||
      !r.read_string(public_key, limits::max_public_blob) || !r.read_string(sig_ns, max_namespace) ||
      !r.read_string(reserved) || !r.read_string(hash_alg, limits::max_name_length) ||
      !r.read_string(sig, limits::max_signature_blob) || !r.expect_end()) {
    return error{errc::invalid_signature, read_failure(r, "SSH signature: malformed blob").message()};
  }
  if (ver != version) return error{errc::invalid_signature, "SSH signature: version " + std::to_string(ver)};
  if (sig_ns != ns) {
    return error{errc::invalid_signature, "SSH signature: namespace \"" + std::string(sig_ns) + "\", expected \"" +
                                              std::string(ns) + "\""};
  }
  if (hash_alg != "sha256" && hash_alg != "sha512") {
    return error{errc::invalid_signature, "SSH signature: hash \"" + std::string(hash_alg) + "\""};
  }
  auto signer = key::from_public_blob(public_key);
  if (!signer) return error{errc::invalid_signature, "SSH signature: signer key: " + signer.error().message()};
  wire::reader sr(sig);
  std::string_view sig_alg;
  if (!sr.read_string(sig_alg, limits::max_name_length) || sig_alg == "ssh-rsa") {
    return error{errc::invalid_signature, "SSH signature: ssh-rsa (SHA-1) or unreadable signature algorithm"};
  }
  const key plain_signer = signer->plain();
  if (auto v = plain_signer.verify(signed_data(sig_ns, reserved, hash_alg, message), sig); !v) return v.error();
  return *signer;
}

}  // namespace sshlib::keys
