#include "transport/transport_machine.hpp"

#include "crypto/packet_algorithms.hpp"
#include "crypto/random.hpp"
#include "transport/host_key_algorithms.hpp"
#include "transport/key_schedule.hpp"
#include "transport/limits.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <algorithm>

namespace sshlib::transport {
result<std::unique_ptr<transport_machine>> transport_machine::create(transport_settings settings) {
  if (settings.side == role::server && settings.host_keys.empty()) {
    return error{errc::invalid_value, "a server needs at least one host key"};
  }
  for (const auto& k : settings.host_keys) {
    if (!k.is_private()) return error{errc::invalid_value, "host key " + k.fingerprint_sha256() + " has no private half"};
  }
  // A host certificate also serves its plain key, for clients that do not take certificates.
  const std::size_t configured = settings.host_keys.size();
  for (std::size_t i = 0; i < configured; ++i) {
    const key& k = settings.host_keys[i];
    if (!k.is_certificate()) continue;
    const key plain = k.plain();
    const bool listed = std::any_of(settings.host_keys.begin(), settings.host_keys.end(),
                                    [&](const key& other) { return other.equals(plain); });
    if (!listed) settings.host_keys.push_back(plain);
  }
  auto ident = make_identification(settings.software_version, settings.comments);
  if (!ident) return ident.error();
  auto m = std::make_unique<transport_machine>(std::move(settings));
  if (m->is_client() == false && m->host_key_algorithms_offered().empty()) {
    return error{errc::invalid_value, "no configured host-key algorithm matches the server's host keys"};
  }
  return m;
}

transport_machine::transport_machine(transport_settings settings)
    : settings_(std::move(settings)), ident_reader_(settings_.side == role::client) {}

result<void> transport_machine::start() {
  if (started_) return error{errc::invalid_value, "transport already started"};
  started_ = true;
  auto ident = make_identification(settings_.software_version, settings_.comments);
  if (!ident) return ident.error();
  our_ident_ = ident->substr(0, ident->size() - 2);
  if (!is_client() && !settings_.greeting.empty()) {
    std::string g = settings_.greeting;
    if (!g.ends_with("\n")) g += "\r\n";
    output_.insert(output_.end(), g.begin(), g.end());
  }
  output_.insert(output_.end(), ident->begin(), ident->end());
  // RFC 4253 section 7.1: KEXINIT may be sent without waiting for the peer's.
  return send_kexinit();
}

mutable_byte_view transport_machine::prepare_input(std::size_t n) { return opener_.prepare(n); }
void transport_machine::commit_input(std::size_t n) { opener_.commit(n); }

bool transport_machine::wants_input() const noexcept {
  return !closed_ && !awaiting_verdict_ && incoming_bytes_ < limits::max_queued_incoming_bytes &&
         opener_.buffered() < 2 * wire::limits::max_packet_length;
}

bytes transport_machine::take_output() {
  bytes out;
  out.swap(output_);
  return out;
}

std::optional<transport_event> transport_machine::next_event() {
  if (events_.empty()) return std::nullopt;
  auto e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<incoming_packet> transport_machine::next_packet() {
  if (incoming_.empty()) return std::nullopt;
  auto p = std::move(incoming_.front());
  incoming_.pop_front();
  incoming_bytes_ -= p.payload.size();
  return p;
}

error transport_machine::fail(errc code, std::string detail, disconnect_reason reason) {
  if (!closed_) disconnect(reason, detail);
  return {code, std::move(detail)};
}

void transport_machine::disconnect(disconnect_reason reason, std::string_view description) {
  if (closed_) return;
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::disconnect);
  w.write_u32(static_cast<std::uint32_t>(reason));
  w.write_string(description.substr(0, 200));
  w.write_string(std::string_view{});
  (void)write_packet(p);
  closed_ = true;
}

void transport_machine::send_unimplemented(std::uint32_t sequence) {
  if (closed_) return;
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::unimplemented);
  w.write_u32(sequence);
  (void)send(p);
}

result<void> transport_machine::send_ignore(byte_view data) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::ignore);
  w.write_string(data);
  return send(p);
}

result<void> transport_machine::write_packet(byte_view payload) {
  if (auto r = sealer_.seal(payload, output_); !r) return r;
  // zlib@openssh.com starts after the server's USERAUTH_SUCCESS (OpenSSH PROTOCOL 1.3).
  if (!is_client() && !payload.empty() && payload[0] == msg::userauth_success) return start_delayed_compression();
  return {};
}

result<void> transport_machine::start_delayed_compression() {
  if (delayed_compression_pending_out_) {
    delayed_compression_pending_out_ = false;
    auto c = compressor::create();
    if (!c) return c.error();
    sealer_.enable_compression(std::move(*c));
  }
  if (delayed_compression_pending_in_) {
    delayed_compression_pending_in_ = false;
    auto d = decompressor::create();
    if (!d) return d.error();
    opener_.enable_compression(std::move(*d));
  }
  return {};
}

result<void> transport_machine::send(byte_view payload) {
  if (closed_) return error{errc::connection_closed, "the transport is closed"};
  if (payload.empty()) return error{errc::invalid_value, "empty payload"};
  // Between our KEXINIT and our NEWKEYS only transport messages may go out (RFC 4253 7.1).
  if (our_kexinit_ && !newkeys_sent_ && !msg::is_transport(payload[0])) {
    if (pending_out_bytes_ + payload.size() > limits::max_queued_outgoing_bytes) {
      return error{errc::length_exceeds_limit, "too much data queued during a key exchange"};
    }
    pending_out_.emplace_back(payload.begin(), payload.end());
    pending_out_bytes_ += payload.size();
    return {};
  }
  if (auto r = write_packet(payload); !r) return r;
  return check_rekey_limits();
}

result<void> transport_machine::check_rekey_limits() {
  if (our_kexinit_ || !session_id_ || closed_) return {};
  const auto& out = sealer_.counters();
  const auto& in = opener_.counters();
  // RFC 4344 section 3.2 asks for a rekey after 2^(L/4) blocks of an L-bit block cipher:
  // 2^32 blocks for 128-bit blocks. For 64-bit blocks (3des-cbc; chacha20-poly1305 also pads
  // to 8) that would be every 512 KiB, so like OpenSSH we allow 1 GiB's worth.
  auto block_limit = [](std::size_t block) -> std::uint64_t {
    return block >= 16 ? (std::uint64_t{1} << 32) : (std::uint64_t{1} << 30) / block;
  };
  if (out.bytes >= settings_.rekey_bytes || in.bytes >= settings_.rekey_bytes ||
      out.blocks >= block_limit(sealer_.block_size()) || in.blocks >= block_limit(opener_.block_size()) ||
      out.packets >= (std::uint64_t{1} << 31) || in.packets >= (std::uint64_t{1} << 31)) {
    return send_kexinit();
  }
  return {};
}

result<void> transport_machine::request_rekey() {
  if (closed_) return error{errc::connection_closed, "the transport is closed"};
  if (our_kexinit_ || !session_id_) return {};  // one is already running
  return send_kexinit();
}

std::vector<std::string> transport_machine::host_key_algorithms_offered() const {
  if (is_client()) return settings_.algorithms.host_key;
  std::vector<std::string> out;
  for (const auto& alg : settings_.algorithms.host_key) {
    if (host_key_for(alg) != nullptr) out.push_back(alg);
  }
  return out;
}

const key* transport_machine::host_key_for(std::string_view algorithm) const {
  const auto info = host_key_algorithm(algorithm);
  for (const auto& k : settings_.host_keys) {
    if (k.type() == info.key_type) return &k;
  }
  return nullptr;
}

result<void> transport_machine::send_kexinit() {
  kexinit_message m;
  crypto::random_fill(m.cookie);
  m.kex = settings_.algorithms.kex;
  // Markers go only into the first KEXINIT (RFC 8308 section 2.1; strict kex likewise).
  if (!session_id_) {
    m.kex.emplace_back(is_client() ? ext_info_client : ext_info_server);
    if (settings_.strict_kex) m.kex.emplace_back(is_client() ? strict_kex_client : strict_kex_server);
  }
  m.host_key = host_key_algorithms_offered();
  m.cipher_c2s = m.cipher_s2c = settings_.algorithms.cipher;
  m.mac_c2s = m.mac_s2c = settings_.algorithms.mac;
  m.compression_c2s = m.compression_s2c = settings_.algorithms.compression;
  bytes payload = serialize_kexinit(m);
  if (auto r = write_packet(payload); !r) return r;
  our_kexinit_ = std::move(payload);
  newkeys_sent_ = newkeys_received_ = false;
  packets_during_kex_ = 0;
  if (peer_kexinit_) return start_method();
  return {};
}

result<void> transport_machine::process() {
  if (closed_) return error{errc::connection_closed, "the transport is closed"};
  if (!ident_reader_.done()) {
    auto used = ident_reader_.consume(opener_.raw_buffered());
    if (!used) return fail(errc::invalid_version_line, used.error().detail, disconnect_reason::protocol_version_not_supported);
    opener_.consume_raw(*used);
    if (!ident_reader_.done()) return {};
  }
  while (!closed_ && !awaiting_verdict_ && incoming_bytes_ < limits::max_queued_incoming_bytes) {
    auto next = opener_.next();
    if (!next) {
      // A MAC failure: the packet is discarded and the connection ends (RFC 4253 6.4).
      const bool mac = next.error().code == make_error_code(errc::authentication_failed);
      return fail(mac ? errc::authentication_failed : errc::protocol_error, next.error().message(),
                  mac ? disconnect_reason::mac_error : disconnect_reason::protocol_error);
    }
    if (!*next) break;
    const byte_view payload = **next;
    if (auto r = handle_packet(payload, opener_.last_sequence()); !r) return r;
  }
  return check_rekey_limits();
}

result<void> transport_machine::handle_packet(byte_view payload, std::uint32_t sequence) {
  if (payload.empty()) return fail(errc::protocol_error, "empty packet payload");
  const std::uint8_t n = payload[0];
  if (!first_packet_seen_) {
    first_packet_seen_ = true;
    first_packet_was_kexinit_ = (n == msg::kexinit);
  }
  // Strict kex (OpenSSH PROTOCOL 1.10): during the initial exchange only KEXINIT, the method's
  // messages and NEWKEYS are allowed; anything else ends the connection (Terrapin).
  if (strict_ && !session_id_ && n != msg::disconnect && n != msg::kexinit && n != msg::newkeys && !msg::is_kex_method(n)) {
    return fail(errc::strict_kex_violation, "message " + std::to_string(n) + " during a strict initial key exchange");
  }
  switch (n) {
    case msg::disconnect: {
      wire::reader r(payload.subspan(1));
      events::disconnect_received d;
      std::string_view text;
      r.read_u32(d.reason) && r.read_string(text, 4096);
      d.description.assign(text.begin(), text.end());
      events_.emplace_back(std::move(d));
      closed_ = true;
      return error{errc::disconnected_by_peer, "peer disconnected: " + std::string(text)};
    }
    case msg::ignore:
      return {};
    case msg::unimplemented:
      return {};
    case msg::debug: {
      wire::reader r(payload.subspan(1));
      events::debug_message d;
      std::string_view text;
      if (r.read_bool(d.always_display) && r.read_string(text, 4096)) {
        d.message.assign(text.begin(), text.end());
        events_.emplace_back(std::move(d));
      }
      return {};
    }
    case msg::kexinit:
      return on_kexinit(payload);
    case msg::newkeys:
      return on_newkeys();
    case msg::ext_info:
      if (!is_client() || !session_id_) return fail(errc::protocol_error, "unexpected EXT_INFO");
      handle_ext_info(payload);
      return {};
    case msg::ping: {
      if (!session_id_ || our_kexinit_) return {};  // never during a kex (PROTOCOL 1.9)
      wire::reader r(payload.subspan(1));
      byte_view data;
      if (!r.read_string(data) || !r.expect_end()) return fail(errc::protocol_error, "malformed PING");
      bytes pong;
      wire::writer w(pong);
      w.write_byte(msg::pong);
      w.write_string(data);
      return send(pong);
    }
    case msg::pong:
      return {};
    default:
      break;
  }
  if (msg::is_kex_method(n)) return handle_kex_packet(payload);
  if (msg::is_transport(n)) {
    if (n == msg::service_request || n == msg::service_accept) {
      // Handled above us, but only once keys are in place.
    } else {
      send_unimplemented(sequence);
      return {};
    }
  }
  // Upper-layer packet. Not before the first NEWKEYS, and not between the peer's KEXINIT
  // and its NEWKEYS (RFC 4253 section 7.1).
  if (!session_id_) return fail(errc::protocol_error, "message " + std::to_string(n) + " before the key exchange ended");
  if (peer_kexinit_ && !newkeys_received_) {
    return fail(errc::protocol_error, "message " + std::to_string(n) + " during a key exchange");
  }
  // zlib@openssh.com starts on the packets after USERAUTH_SUCCESS (OpenSSH PROTOCOL 1.3).
  if (n == msg::userauth_success && is_client()) {
    if (auto r = start_delayed_compression(); !r) return r;
  }
  incoming_.push_back(incoming_packet{bytes(payload.begin(), payload.end()), sequence});
  incoming_bytes_ += payload.size();
  return {};
}

result<void> transport_machine::on_kexinit(byte_view payload) {
  if (peer_kexinit_) return fail(errc::protocol_error, "second KEXINIT during a key exchange");
  auto m = parse_kexinit(payload);
  if (!m) return fail(errc::protocol_error, m.error().message());
  peer_kexinit_ = bytes(payload.begin(), payload.end());
  if (!our_kexinit_) {
    if (auto r = send_kexinit(); !r) return r;  // send_kexinit starts the method
    return {};
  }
  return start_method();
}

result<void> transport_machine::start_method() {
  auto ours = parse_kexinit(*our_kexinit_);
  auto theirs = parse_kexinit(*peer_kexinit_);
  if (!ours || !theirs) return fail(errc::protocol_error, "KEXINIT could not be re-read");
  const kexinit_message& c = is_client() ? *ours : *theirs;
  const kexinit_message& s = is_client() ? *theirs : *ours;
  auto n = negotiate(c, s, is_client());
  if (!n) return fail(errc::no_common_algorithm, n.error().detail, disconnect_reason::key_exchange_failed);
  if (!session_id_) {
    strict_ = n->strict_kex;
    if (strict_ && !first_packet_was_kexinit_) {
      return fail(errc::strict_kex_violation, "the peer's first packet was not KEXINIT");
    }
  }
  n->strict_kex = strict_;
  negotiated_ = std::move(*n);
  // A wrong guess: the peer's next kex packet was for another method (RFC 4253 7.1).
  if (theirs->first_kex_packet_follows && !guess_was_right(c, s, *negotiated_)) ignore_next_kex_packet_ = true;

  exchange_inputs inputs;
  inputs.client_version = is_client() ? our_ident_ : peer().raw;
  inputs.server_version = is_client() ? peer().raw : our_ident_;
  inputs.client_kexinit = is_client() ? *our_kexinit_ : *peer_kexinit_;
  inputs.server_kexinit = is_client() ? *peer_kexinit_ : *our_kexinit_;
  const auto host_alg = host_key_algorithm(negotiated_->host_key);
  host_key_signer signer;
  if (!is_client()) {
    signer.host_key = host_key_for(negotiated_->host_key);
    signer.signature_algorithm = host_alg.signature_algorithm;
  }
  auto method = make_kex_method(negotiated_->kex, is_client(), std::move(inputs), std::move(signer),
                                host_alg.signature_algorithm, settings_.gex);
  if (!method) return fail(errc::no_common_algorithm, method.error().detail, disconnect_reason::key_exchange_failed);
  method_ = std::move(*method);
  outcome_.reset();
  auto first = method_->start();
  if (!first) return fail(errc::protocol_error, first.error().message(), disconnect_reason::key_exchange_failed);
  return after_method_step(std::move(*first));
}

result<void> transport_machine::handle_kex_packet(byte_view payload) {
  if (!method_ || !peer_kexinit_) return fail(errc::protocol_error, "key exchange message outside a key exchange");
  if (ignore_next_kex_packet_) {
    ignore_next_kex_packet_ = false;
    return {};
  }
  if (++packets_during_kex_ > limits::max_packets_during_kex) {
    return fail(errc::protocol_error, "too many packets during a key exchange");
  }
  auto out = method_->on_message(payload);
  if (!out) {
    const auto code = out.error().code == errc::signature_mismatch || out.error().code == errc::invalid_signature
                          ? errc::host_key_rejected
                          : errc::protocol_error;
    return fail(code, out.error().message(), disconnect_reason::key_exchange_failed);
  }
  return after_method_step(std::move(*out));
}

result<void> transport_machine::after_method_step(std::vector<bytes> out) {
  for (const auto& p : out) {
    if (auto r = write_packet(p); !r) return r;
  }
  if (!method_->finished()) return {};
  outcome_ = method_->take_outcome();
  method_.reset();
  if (is_client()) {
    awaiting_verdict_ = true;
    events_.emplace_back(events::verify_host_key{outcome_->host_key_blob, negotiated_->host_key});
    return {};
  }
  return send_newkeys();
}

result<void> transport_machine::host_key_verdict(bool trusted) {
  if (!awaiting_verdict_) return error{errc::invalid_value, "no host key is waiting for a verdict"};
  awaiting_verdict_ = false;
  if (!trusted) {
    return fail(errc::host_key_rejected, "host key verification failed", disconnect_reason::host_key_not_verifiable);
  }
  if (auto r = send_newkeys(); !r) return r;
  // Input that arrived while we waited (the server's NEWKEYS, EXT_INFO) is processed now.
  return process();
}

result<std::unique_ptr<crypto::packet_protection>> transport_machine::make_protection(bool outgoing) const {
  const bool c2s = outgoing == is_client();
  const auto& dir = c2s ? negotiated_->c2s : negotiated_->s2c;
  const auto* cipher = crypto::find_cipher_spec(dir.cipher);
  const auto* mac = dir.mac.empty() ? nullptr : crypto::find_mac_spec(dir.mac);
  if (cipher == nullptr) return error{errc::unsupported_algorithm, dir.cipher};
  const bytes& id = *session_id_;
  const auto& k = outcome_->shared_secret;
  const auto& h = outcome_->exchange_hash;
  const auto hash = outcome_->hash;
  // RFC 4253 section 7.2: A/B IVs, C/D encryption keys, E/F integrity keys (c2s / s2c).
  const auto iv = derive_key(hash, k, h, c2s ? 'A' : 'B', id, cipher->iv_length);
  const auto enc = derive_key(hash, k, h, c2s ? 'C' : 'D', id, cipher->key_length);
  const auto integ = derive_key(hash, k, h, c2s ? 'E' : 'F', id, mac != nullptr ? mac->key_length : 0);
  return crypto::packet_protection::create(dir.cipher, dir.mac, outgoing ? crypto::cipher_direction::encrypt : crypto::cipher_direction::decrypt,
                                           byte_view(enc.data(), enc.size()), byte_view(iv.data(), iv.size()),
                                           byte_view(integ.data(), integ.size()));
}

result<void> transport_machine::send_newkeys() {
  if (!session_id_) session_id_ = outcome_->exchange_hash;  // RFC 4253 7.2: the first H
  const std::uint8_t newkeys = msg::newkeys;
  if (auto r = write_packet(byte_view(&newkeys, 1)); !r) return r;
  auto protection = make_protection(true);
  if (!protection) return fail(errc::protocol_error, protection.error().message(), disconnect_reason::key_exchange_failed);
  sealer_.install(std::move(*protection), strict_);
  newkeys_sent_ = true;
  // Compression starts once, with the first keys ("zlib") or after authentication
  // ("zlib@openssh.com"), and then runs across rekeys.
  const auto& out_comp = is_client() ? negotiated_->c2s.compression : negotiated_->s2c.compression;
  if (!initial_kex_done_ && out_comp == "zlib") {
    auto c = compressor::create();
    if (!c) return c.error();
    sealer_.enable_compression(std::move(*c));
  } else if (!initial_kex_done_ && out_comp == "zlib@openssh.com") {
    delayed_compression_pending_out_ = true;
  }
  // RFC 8308 section 2.4: the server's EXT_INFO follows its first NEWKEYS.
  if (!is_client() && !initial_kex_done_ && negotiated_->peer_wants_ext_info) {
    bytes ext;
    wire::writer w(ext);
    w.write_byte(msg::ext_info);
    w.write_u32(2);
    w.write_string(std::string_view("server-sig-algs"));
    std::string algs;
    for (const auto& a : settings_.server_sig_algs) algs += (algs.empty() ? "" : ",") + a;
    w.write_string(algs);
    w.write_string(std::string_view("ping@openssh.com"));
    w.write_string(std::string_view("0"));
    if (auto r = write_packet(ext); !r) return r;
  }
  // Upper-layer packets held since our KEXINIT go out now, under the new keys and before
  // anything sent later: waiting for the peer's NEWKEYS would let later packets (a channel's
  // CLOSE, say) overtake them, as send() no longer holds anything once NEWKEYS is out.
  while (!pending_out_.empty()) {
    bytes p = std::move(pending_out_.front());
    pending_out_.pop_front();
    pending_out_bytes_ -= p.size();
    if (auto r = write_packet(p); !r) return r;
  }
  return maybe_finish_kex();
}

result<void> transport_machine::on_newkeys() {
  if (!outcome_ || newkeys_received_ || awaiting_verdict_) {
    return fail(errc::protocol_error, "NEWKEYS before the key exchange finished");
  }
  if (!session_id_) session_id_ = outcome_->exchange_hash;
  auto protection = make_protection(false);
  if (!protection) return fail(errc::protocol_error, protection.error().message(), disconnect_reason::key_exchange_failed);
  opener_.install(std::move(*protection), strict_);
  newkeys_received_ = true;
  const auto& in_comp = is_client() ? negotiated_->s2c.compression : negotiated_->c2s.compression;
  if (!initial_kex_done_ && in_comp == "zlib") {
    auto d = decompressor::create();
    if (!d) return d.error();
    opener_.enable_compression(std::move(*d));
  } else if (!initial_kex_done_ && in_comp == "zlib@openssh.com") {
    delayed_compression_pending_in_ = true;
  }
  return maybe_finish_kex();
}

result<void> transport_machine::maybe_finish_kex() {
  if (!newkeys_sent_ || !newkeys_received_) return {};
  const bool initial = !initial_kex_done_;
  events_.emplace_back(events::handshake_done{*negotiated_, initial});
  if (!initial) ++rekeys_;
  initial_kex_done_ = true;
  our_kexinit_.reset();
  peer_kexinit_.reset();
  outcome_.reset();
  return {};
}

void transport_machine::handle_ext_info(byte_view payload) {
  wire::reader r(payload.subspan(1));
  std::uint32_t count = 0;
  if (!r.read_u32(count)) return;
  events::ext_info e;
  for (std::uint32_t i = 0; i < count && i < 64; ++i) {
    std::string name, value;
    if (!r.read_string(name, 256) || !r.read_string(value, 64 * 1024)) return;
    e.extensions[name] = value;
  }
  peer_extensions_ = e.extensions;
  events_.emplace_back(std::move(e));
}

}  // namespace sshlib::transport
