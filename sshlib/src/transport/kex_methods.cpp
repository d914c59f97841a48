// The key-exchange methods: ECDH-style single round trips (curve25519-sha256, RFC 8731;
// ecdh-sha2-nistp*, RFC 5656 section 4), fixed-group Diffie-Hellman (RFC 4253 section 8,
// RFC 8268) and group exchange (RFC 4419).
#include "crypto/kex_dh.hpp"
#include "crypto/kex_ecdh.hpp"
#include "crypto/kex_x25519.hpp"
#include "transport/kex_method.hpp"
#include "transport/message_numbers.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <array>
#include <optional>
#include <variant>

namespace sshlib::transport {
namespace {

using crypto::digest_algorithm;

error malformed(std::string_view what) { return {errc::protocol_error, "malformed " + std::string(what)}; }

// An ephemeral key agreement, as one exchange method uses it. ECDH public values travel as
// strings, finite-field ones as mpints (the exchange hash encodes them the same way).
class agreement {
public:
  virtual ~agreement() = default;
  virtual void write_public(wire::writer& w) const = 0;
  virtual void hash_public(wire::secure_writer& w) const = 0;
  /// Reads the peer's value from r and derives K's magnitude.
  virtual result<secure_bytes> read_peer_and_derive(wire::reader& r, bytes& peer_encoded) = 0;
  virtual bool public_is_mpint() const = 0;
};

class ecdh_style_agreement final : public agreement {
public:
  // x25519 or nistp: both hand over public values as strings.
  explicit ecdh_style_agreement(std::variant<crypto::x25519_exchange, crypto::ecdh_exchange> e)
      : e_(std::move(e)) {}
  void write_public(wire::writer& w) const override { w.write_string(public_value()); }
  void hash_public(wire::secure_writer& w) const override { w.write_string(public_value()); }
  result<secure_bytes> read_peer_and_derive(wire::reader& r, bytes& peer_encoded) override {
    byte_view peer;
    if (!r.read_string(peer, 1024)) return malformed("key exchange public value");
    peer_encoded.assign(peer.begin(), peer.end());
    return std::visit([&](auto& ex) { return ex.derive(peer); }, e_);
  }
  bool public_is_mpint() const override { return false; }

private:
  byte_view public_value() const {
    return std::visit([](const auto& ex) -> byte_view { return ex.public_value(); }, e_);
  }
  std::variant<crypto::x25519_exchange, crypto::ecdh_exchange> e_;
};

class dh_agreement final : public agreement {
public:
  explicit dh_agreement(crypto::dh_exchange e) : e_(std::move(e)) {}
  void write_public(wire::writer& w) const override { w.write_unsigned_mpint(e_.public_value()); }
  void hash_public(wire::secure_writer& w) const override { w.write_unsigned_mpint(e_.public_value()); }
  result<secure_bytes> read_peer_and_derive(wire::reader& r, bytes& peer_encoded) override {
    byte_view peer;
    if (!r.read_unsigned_mpint(peer)) return malformed("Diffie-Hellman public value");
    peer_encoded.assign(peer.begin(), peer.end());
    return e_.derive(peer);
  }
  bool public_is_mpint() const override { return true; }

private:
  crypto::dh_exchange e_;
};

struct method_info {
  std::string_view name;
  digest_algorithm hash;
  enum kind_t { x25519, ecdh, dh_fixed, dh_gex } kind;
  crypto::ecdh_curve curve = crypto::ecdh_curve::nistp256;
  crypto::dh_named_group group = crypto::dh_named_group::group14;
};

constexpr std::array<method_info, 14> methods{{
    {"curve25519-sha256", digest_algorithm::sha256, method_info::x25519},
    {"curve25519-sha256@libssh.org", digest_algorithm::sha256, method_info::x25519},
    {"ecdh-sha2-nistp256", digest_algorithm::sha256, method_info::ecdh, crypto::ecdh_curve::nistp256},
    {"ecdh-sha2-nistp384", digest_algorithm::sha384, method_info::ecdh, crypto::ecdh_curve::nistp384},
    {"ecdh-sha2-nistp521", digest_algorithm::sha512, method_info::ecdh, crypto::ecdh_curve::nistp521},
    {"diffie-hellman-group-exchange-sha256", digest_algorithm::sha256, method_info::dh_gex},
    {"diffie-hellman-group-exchange-sha1", digest_algorithm::sha1, method_info::dh_gex},
    {"diffie-hellman-group14-sha256", digest_algorithm::sha256, method_info::dh_fixed, {}, crypto::dh_named_group::group14},
    {"diffie-hellman-group15-sha512", digest_algorithm::sha512, method_info::dh_fixed, {}, crypto::dh_named_group::group15},
    {"diffie-hellman-group16-sha512", digest_algorithm::sha512, method_info::dh_fixed, {}, crypto::dh_named_group::group16},
    {"diffie-hellman-group17-sha512", digest_algorithm::sha512, method_info::dh_fixed, {}, crypto::dh_named_group::group17},
    {"diffie-hellman-group18-sha512", digest_algorithm::sha512, method_info::dh_fixed, {}, crypto::dh_named_group::group18},
    {"diffie-hellman-group14-sha1", digest_algorithm::sha1, method_info::dh_fixed, {}, crypto::dh_named_group::group14},
    {"diffie-hellman-group1-sha1", digest_algorithm::sha1, method_info::dh_fixed, {}, crypto::dh_named_group::group1},
}};

// What every method shares: the exchange hash prefix, the server's signature, the client's
// check of it.
class kex_base : public kex_method {
protected:
  kex_base(const method_info& info, bool is_client, exchange_inputs inputs, host_key_signer signer,
           std::string expected_sig)
      : info_(info), is_client_(is_client), inputs_(std::move(inputs)), signer_(std::move(signer)),
        expected_sig_(std::move(expected_sig)) {}

  // V_C, V_S, I_C, I_S, K_S: the start of every method's exchange hash.
  void hash_prefix(wire::secure_writer& w, byte_view host_key_blob) const {
    w.write_string(inputs_.client_version);
    w.write_string(inputs_.server_version);
    w.write_string(inputs_.client_kexinit);
    w.write_string(inputs_.server_kexinit);
    w.write_string(host_key_blob);
  }

  bytes digest(const secure_bytes& hash_input) const {
    crypto::hasher h(info_.hash);
    h.update(byte_view(hash_input.data(), hash_input.size()));
    return h.finish();
  }

  static secure_bytes encode_secret(const secure_bytes& magnitude) {
    secure_bytes k;
    wire::secure_writer(k).write_unsigned_mpint(byte_view(magnitude.data(), magnitude.size()));
    return k;
  }

  bytes server_host_key_blob() const { return signer_.host_key->public_blob(); }

  result<bytes> sign_exchange_hash(const bytes& h) const {
    return signer_.host_key->sign(h, signer_.signature_algorithm);
  }

  // Client: the server's signature over H must use the negotiated algorithm and verify.
  result<void> check_server_signature(byte_view host_key_blob, byte_view signature, const bytes& h) const {
    auto host_key = key::from_public_blob(host_key_blob);
    if (!host_key) return error{host_key.error().code, "server host key: " + host_key.error().detail};
    wire::reader sr(signature);
    std::string_view sig_alg;
    if (!sr.read_string(sig_alg, 64)) return error{errc::invalid_signature, "malformed server signature"};
    if (sig_alg != expected_sig_) {
      return error{errc::invalid_signature, "server signed with " + std::string(sig_alg) + " instead of the negotiated " + expected_sig_};
    }
    if (auto v = host_key->verify(h, signature); !v) {
      return error{v.error().code, "server signature over the exchange hash: " + v.error().detail};
    }
    return {};
  }

  void finish(const secure_bytes& k_magnitude, bytes h, bytes host_key_blob) {
    outcome_ = kex_outcome{encode_secret(k_magnitude), std::move(h), info_.hash, std::move(host_key_blob)};
  }

  const method_info& info_;
  bool is_client_;
  exchange_inputs inputs_;
  host_key_signer signer_;
  std::string expected_sig_;
};

// One round trip: INIT (client's public value) and REPLY (K_S, server's value, signature).
// curve25519, ECDH and fixed-group DH differ only in the agreement and the group.
class single_round_kex final : public kex_base {
public:
  single_round_kex(const method_info& info, bool is_client, exchange_inputs inputs, host_key_signer signer,
                   std::string expected_sig, std::unique_ptr<agreement> a)
      : kex_base(info, is_client, std::move(inputs), std::move(signer), std::move(expected_sig)), a_(std::move(a)) {}

  result<std::vector<bytes>> start() override {
    if (!is_client_) return std::vector<bytes>{};
    bytes init;
    wire::writer w(init);
    w.write_byte(msg::kex_ecdh_init);
    a_->write_public(w);
    return std::vector<bytes>{std::move(init)};
  }

  result<std::vector<bytes>> on_message(byte_view payload) override {
    if (finished() || payload.empty()) return error{errc::protocol_error, "unexpected key exchange message"};
    return is_client_ ? on_reply(payload) : on_init(payload);
  }

private:
  result<std::vector<bytes>> on_init(byte_view payload) {
    if (payload[0] != msg::kex_ecdh_init) return error{errc::protocol_error, "expected the client's key exchange init"};
    wire::reader r(payload.subspan(1));
    bytes client_public;
    auto k = a_->read_peer_and_derive(r, client_public);
    if (!r.expect_end()) return malformed("key exchange init");
    if (!k) return k.error();
    const bytes host_key_blob = server_host_key_blob();
    secure_bytes in;
    wire::secure_writer w(in);
    hash_prefix(w, host_key_blob);
    write_peer(w, client_public);
    a_->hash_public(w);
    w.write_unsigned_mpint(byte_view(k->data(), k->size()));
    bytes h = digest(in);
    auto sig = sign_exchange_hash(h);
    if (!sig) return sig.error();
    bytes reply;
    wire::writer rw(reply);
    rw.write_byte(msg::kex_ecdh_reply);
    rw.write_string(host_key_blob);
    a_->write_public(rw);
    rw.write_string(*sig);
    finish(*k, std::move(h), host_key_blob);
    return std::vector<bytes>{std::move(reply)};
  }

  result<std::vector<bytes>> on_reply(byte_view payload) {
    if (payload[0] != msg::kex_ecdh_reply) return error{errc::protocol_error, "expected the server's key exchange reply"};
    wire::reader r(payload.subspan(1));
    byte_view host_key_blob, signature;
    bytes server_public;
    if (!r.read_string(host_key_blob, 16 * 1024)) return malformed("key exchange reply");
    auto k = a_->read_peer_and_derive(r, server_public);
    if (!r.read_string(signature, 16 * 1024) || !r.expect_end()) return malformed("key exchange reply");
    if (!k) return k.error();
    secure_bytes in;
    wire::secure_writer w(in);
    hash_prefix(w, host_key_blob);
    a_->hash_public(w);
    write_peer(w, server_public);
    w.write_unsigned_mpint(byte_view(k->data(), k->size()));
    bytes h = digest(in);
    if (auto v = check_server_signature(host_key_blob, signature, h); !v) return v.error();
    finish(*k, std::move(h), bytes(host_key_blob.begin(), host_key_blob.end()));
    return std::vector<bytes>{};
  }

  void write_peer(wire::secure_writer& w, const bytes& peer) const {
    if (a_->public_is_mpint()) {
      w.write_unsigned_mpint(peer);
    } else {
      w.write_string(peer);
    }
  }

  std::unique_ptr<agreement> a_;
};

// RFC 4419: the client asks for a group size, the server picks a group, then one DH round.
class group_exchange_kex final : public kex_base {
public:
  group_exchange_kex(const method_info& info, bool is_client, exchange_inputs inputs, host_key_signer signer,
                     std::string expected_sig, gex_request_sizes sizes)
      : kex_base(info, is_client, std::move(inputs), std::move(signer), std::move(expected_sig)), sizes_(sizes) {}

  result<std::vector<bytes>> start() override {
    if (!is_client_) return std::vector<bytes>{};
    bytes req;
    wire::writer w(req);
    w.write_byte(msg::kex_dh_gex_request);
    w.write_u32(sizes_.min);
    w.write_u32(sizes_.preferred);
    w.write_u32(sizes_.max);
    return std::vector<bytes>{std::move(req)};
  }

  result<std::vector<bytes>> on_message(byte_view payload) override {
    if (finished() || payload.empty()) return error{errc::protocol_error, "unexpected group exchange message"};
    const std::uint8_t n = payload[0];
    wire::reader r(payload.subspan(1));
    if (is_client_ && n == msg::kex_dh_gex_group && !group_) return on_group(r);
    if (is_client_ && n == msg::kex_dh_gex_reply && group_) return on_reply(r);
    if (!is_client_ && n == msg::kex_dh_gex_request && !group_) return on_request(r);
    if (!is_client_ && n == msg::kex_dh_gex_init && group_) return on_init(r);
    return error{errc::protocol_error, "unexpected group exchange message " + std::to_string(n)};
  }

private:
  result<std::vector<bytes>> on_group(wire::reader& r) {
    byte_view p, g;
    if (!r.read_unsigned_mpint(p) || !r.read_unsigned_mpint(g) || !r.expect_end()) return malformed("DH group");
    auto group = crypto::dh_group::from_gex(p, g, sizes_.min, sizes_.max);
    if (!group) return group.error();
    auto ex = crypto::dh_exchange::generate(*group);
    if (!ex) return ex.error();
    group_.emplace(std::move(*group));
    exchange_.emplace(std::move(*ex));
    bytes init;
    wire::writer w(init);
    w.write_byte(msg::kex_dh_gex_init);
    w.write_unsigned_mpint(exchange_->public_value());
    return std::vector<bytes>{std::move(init)};
  }

  result<std::vector<bytes>> on_reply(wire::reader& r) {
    byte_view host_key_blob, f, signature;
    if (!r.read_string(host_key_blob, 16 * 1024) || !r.read_unsigned_mpint(f) || !r.read_string(signature, 16 * 1024) ||
        !r.expect_end()) {
      return malformed("group exchange reply");
    }
    auto k = exchange_->derive(f);
    if (!k) return k.error();
    bytes h = exchange_hash(host_key_blob, exchange_->public_value(), f, *k);
    if (auto v = check_server_signature(host_key_blob, signature, h); !v) return v.error();
    finish(*k, std::move(h), bytes(host_key_blob.begin(), host_key_blob.end()));
    return std::vector<bytes>{};
  }

  result<std::vector<bytes>> on_request(wire::reader& r) {
    if (!r.read_u32(sizes_.min) || !r.read_u32(sizes_.preferred) || !r.read_u32(sizes_.max) || !r.expect_end()) {
      return malformed("group exchange request");
    }
    if (sizes_.min > sizes_.preferred || sizes_.preferred > sizes_.max || sizes_.max < crypto::dh_gex_min_bits) {
      return error{errc::protocol_error, "group exchange request with impossible sizes"};
    }
    // The smallest RFC 3526 group of at least the preferred size within [min, max]; else the
    // largest one within bounds. We serve fixed, well-known safe primes instead of a moduli
    // file: a client cannot tell, and they need no generation.
    const std::pair<std::uint32_t, crypto::dh_named_group> groups[] = {
        {2048, crypto::dh_named_group::group14}, {3072, crypto::dh_named_group::group15},
        {4096, crypto::dh_named_group::group16}, {6144, crypto::dh_named_group::group17},
        {8192, crypto::dh_named_group::group18}};
    std::optional<crypto::dh_named_group> chosen;
    for (const auto& [bits, g] : groups) {
      if (bits < sizes_.min || bits > sizes_.max) continue;
      chosen = g;
      if (bits >= sizes_.preferred) break;
    }
    if (!chosen) return error{errc::no_common_algorithm, "no Diffie-Hellman group between the requested sizes"};
    auto group = crypto::dh_group::named(*chosen);
    if (!group) return group.error();
    auto ex = crypto::dh_exchange::generate(*group);
    if (!ex) return ex.error();
    group_.emplace(std::move(*group));
    exchange_.emplace(std::move(*ex));
    bytes out;
    wire::writer w(out);
    w.write_byte(msg::kex_dh_gex_group);
    w.write_unsigned_mpint(group_->p());
    w.write_unsigned_mpint(group_->g());
    return std::vector<bytes>{std::move(out)};
  }

  result<std::vector<bytes>> on_init(wire::reader& r) {
    byte_view e;
    if (!r.read_unsigned_mpint(e) || !r.expect_end()) return malformed("group exchange init");
    auto k = exchange_->derive(e);
    if (!k) return k.error();
    const bytes host_key_blob = server_host_key_blob();
    bytes h = exchange_hash(host_key_blob, e, exchange_->public_value(), *k);
    auto sig = sign_exchange_hash(h);
    if (!sig) return sig.error();
    bytes reply;
    wire::writer w(reply);
    w.write_byte(msg::kex_dh_gex_reply);
    w.write_string(host_key_blob);
    w.write_unsigned_mpint(exchange_->public_value());
    w.write_string(*sig);
    finish(*k, std::move(h), host_key_blob);
    return std::vector<bytes>{std::move(reply)};
  }

  bytes exchange_hash(byte_view host_key_blob, byte_view e, byte_view f, const secure_bytes& k) const {
    secure_bytes in;
    wire::secure_writer w(in);
    hash_prefix(w, host_key_blob);
    w.write_u32(sizes_.min);
    w.write_u32(sizes_.preferred);
    w.write_u32(sizes_.max);
    w.write_unsigned_mpint(group_->p());
    w.write_unsigned_mpint(group_->g());
    w.write_unsigned_mpint(e);
    w.write_unsigned_mpint(f);
    w.write_unsigned_mpint(byte_view(k.data(), k.size()));
    return digest(in);
  }

  gex_request_sizes sizes_;
  std::optional<crypto::dh_group> group_;
  std::optional<crypto::dh_exchange> exchange_;
};

}  // namespace

result<std::unique_ptr<kex_method>> make_kex_method(std::string_view name, bool is_client, exchange_inputs inputs,
                                                    host_key_signer signer, std::string expected_sig,
                                                    gex_request_sizes gex) {
  for (const auto& info : methods) {
    if (info.name != name) continue;
    if (!is_client && signer.host_key == nullptr) {
      return error{errc::invalid_value, "a server key exchange needs a host key"};
    }
    std::unique_ptr<agreement> a;
    switch (info.kind) {
      case method_info::dh_gex:
        return std::unique_ptr<kex_method>(std::make_unique<group_exchange_kex>(
            info, is_client, std::move(inputs), std::move(signer), std::move(expected_sig), gex));
      case method_info::x25519: {
        auto ex = crypto::x25519_exchange::generate();
        if (!ex) return ex.error();
        a = std::make_unique<ecdh_style_agreement>(std::move(*ex));
        break;
      }
      case method_info::ecdh: {
        auto ex = crypto::ecdh_exchange::generate(info.curve);
        if (!ex) return ex.error();
        a = std::make_unique<ecdh_style_agreement>(std::move(*ex));
        break;
      }
      case method_info::dh_fixed: {
        auto group = crypto::dh_group::named(info.group);
        if (!group) return group.error();
        auto ex = crypto::dh_exchange::generate(*group);
        if (!ex) return ex.error();
        a = std::make_unique<dh_agreement>(std::move(*ex));
        break;
      }
    }
    return std::unique_ptr<kex_method>(std::make_unique<single_round_kex>(
        info, is_client, std::move(inputs), std::move(signer), std::move(expected_sig), std::move(a)));
  }
  return error{errc::unsupported_algorithm, "key exchange '" + std::string(name) + "' is not supported"};
}

}  // namespace sshlib::transport
