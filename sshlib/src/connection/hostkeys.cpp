#include "connection/hostkeys.hpp"

#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <algorithm>

namespace sshlib::connection {
namespace {

// A public key blob is far below this; an RSA-16384 key is about 2 KiB.
constexpr std::size_t max_blob = 16 * 1024;
constexpr std::size_t max_signature = 16 * 1024;

bytes signed_data(byte_view session_id, byte_view blob) {
  bytes d;
  wire::writer w(d);
  w.write_string(hostkeys_prove_name);
  w.write_string(session_id);
  w.write_string(blob);
  return d;
}

result<std::vector<bytes>> read_blobs(byte_view body, std::size_t max_len, const char* what) {
  std::vector<bytes> out;
  wire::reader r(body);
  while (r.remaining() > 0) {
    if (out.size() == max_announced_host_keys) {
      return error{errc::protocol_error, std::string("more than 64 ") + what};
    }
    bytes b;
    if (!r.read_string(b, max_len)) return error{errc::protocol_error, std::string("malformed ") + what};
    out.push_back(std::move(b));
  }
  return out;
}

std::string_view signature_algorithm_of(byte_view sig) {
  wire::reader r(sig);
  std::string_view name;
  if (!r.read_string(name, 64)) return {};
  return name;
}

}  // namespace

bytes hostkeys_announcement(const std::vector<key>& host_keys) {
  std::vector<bytes> blobs;
  for (const key& k : host_keys) {
    bytes b = k.plain().public_blob();
    if (std::find(blobs.begin(), blobs.end(), b) == blobs.end()) blobs.push_back(std::move(b));
  }
  bytes body;
  wire::writer w(body);
  for (const auto& b : blobs) w.write_string(b);
  return body;
}

result<std::vector<key>> parse_hostkeys_announcement(byte_view body) {
  auto blobs = read_blobs(body, max_blob, "announced host keys");
  if (!blobs) return blobs.error();
  std::vector<key> keys;
  for (const auto& b : *blobs) {
    auto k = key::from_public_blob(b);
    if (k && !k->is_certificate()) keys.push_back(std::move(*k));
  }
  return keys;
}

bytes hostkeys_prove_request(const std::vector<key>& keys) {
  bytes body;
  wire::writer w(body);
  for (const key& k : keys) w.write_string(k.public_blob());
  return body;
}

result<bytes> prove_hostkeys(byte_view request_body, const std::vector<key>& host_keys, byte_view session_id,
                             std::string_view rsa_algorithm) {
  auto blobs = read_blobs(request_body, max_blob, "host keys to prove");
  if (!blobs) return blobs.error();
  bytes reply;
  wire::writer w(reply);
  for (const auto& blob : *blobs) {
    const auto held = std::find_if(host_keys.begin(), host_keys.end(),
                                   [&](const key& k) { return k.plain().public_blob() == blob; });
    if (held == host_keys.end()) return error{errc::invalid_value, "asked to prove a host key we do not hold"};
    const key plain = held->plain();
    std::string_view algorithm;
    if (plain.kind() == key_type::rsa) {
      algorithm = rsa_algorithm == "rsa-sha2-256" ? "rsa-sha2-256" : "rsa-sha2-512";
    }
    auto sig = plain.sign(signed_data(session_id, blob), algorithm);
    if (!sig) return sig.error();
    w.write_string(*sig);
  }
  return reply;
}

result<void> verify_hostkeys_proof(byte_view reply_body, const std::vector<key>& keys, byte_view session_id) {
  auto sigs = read_blobs(reply_body, max_signature, "host key proofs");
  if (!sigs) return sigs.error();
  if (sigs->size() != keys.size()) {
    return error{errc::protocol_error, "host key proof has " + std::to_string(sigs->size()) + " signatures for " +
                                           std::to_string(keys.size()) + " keys"};
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].kind() == key_type::rsa && signature_algorithm_of((*sigs)[i]) == "ssh-rsa") {
      return error{errc::invalid_signature, "host key proof signed with SHA-1 (ssh-rsa)"};
    }
    if (auto r = keys[i].verify(signed_data(session_id, keys[i].public_blob()), (*sigs)[i]); !r) {
      return error{r.error().code, "host key " + keys[i].fingerprint_sha256() + " not proven: " + r.error().message()};
    }
  }
  return {};
}

}  // namespace sshlib::connection
