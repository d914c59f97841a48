// The transport layer of one connection as a sans-IO state machine (RFC 4253, RFC 8308,
// OpenSSH's strict kex): identification exchange, algorithm negotiation, key exchange and
// re-exchange, NEWKEYS, the generic transport messages, and a queue of upper-layer packets in
// each direction. It owns no socket and no timer: the caller feeds it received bytes, writes
// the bytes it produces, and reacts to its events (host key checks, handshakes, disconnects).
#pragma once

#include "transport/kex_method.hpp"
#include "transport/kexinit.hpp"
#include "transport/message_numbers.hpp"
#include "transport/packet_codec.hpp"
#include "transport/version_exchange.hpp"

#include <sshlib/algorithms.hpp>
#include <sshlib/key.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sshlib::transport {

enum class role { client, server };

struct transport_settings {
  role side = role::client;
  /// Our identification: "SSH-2.0-<software> <comments>" (the seed's `ident`).
  std::string software_version = "sshlib_0.1";
  std::string comments;
  /// Server only: lines sent before the identification (the seed's `greeting`).
  std::string greeting;
  algorithm_preferences algorithms = algorithm_preferences::defaults();
  /// Server only: private host keys (and host certificates).
  std::vector<key> host_keys;
  /// Offer strict key exchange (Terrapin mitigation). Off only for tests of the old behaviour.
  bool strict_kex = true;
  /// Rekey after this many bytes in either direction (RFC 4253 section 9: after 1 GiB).
  std::uint64_t rekey_bytes = std::uint64_t{1} << 30;
  gex_request_sizes gex;
  /// Server only: the public-key algorithms announced in EXT_INFO server-sig-algs.
  std::vector<std::string> server_sig_algs = {"ssh-ed25519",
                                              "ecdsa-sha2-nistp256",
                                              "ecdsa-sha2-nistp384",
                                              "ecdsa-sha2-nistp521",
                                              "rsa-sha2-512",
                                              "rsa-sha2-256",
                                              "ssh-rsa",
                                              "ssh-dss"};
};

/// An upper-layer packet (authentication, connection, or anything >= 50 and service 5/6).
struct incoming_packet {
  bytes payload;
  std::uint32_t sequence = 0;
};

namespace events {
/// Client: the server's host key signed the exchange hash; trust it or not with
/// transport_machine::host_key_verdict().
struct verify_host_key {
  bytes host_key_blob;
  std::string algorithm;  // the negotiated host-key algorithm
};
/// A key exchange finished (both NEWKEYS). `initial` is false for a rekey.
struct handshake_done {
  negotiated_algorithms negotiated;
  bool initial = true;
};
struct disconnect_received {
  std::uint32_t reason = 0;
  std::string description;
};
/// RFC 8308 EXT_INFO from the peer (e.g. server-sig-algs).
struct ext_info {
  std::map<std::string, std::string> extensions;
};
struct debug_message {
  bool always_display = false;
  std::string message;
};
}  // namespace events

using transport_event =
    std::variant<events::verify_host_key, events::handshake_done, events::disconnect_received,
                 events::ext_info, events::debug_message>;

class transport_machine {
 public:
  /// Errors: invalid_value for an unusable identification or configuration (a server
  /// without host keys, no host-key algorithm matching them).
  static result<std::unique_ptr<transport_machine>> create(transport_settings settings);
  explicit transport_machine(transport_settings settings);

  /// Queues our greeting, identification and first KEXINIT. Call once, first.
  result<void> start();

  /// Space for received bytes, then how many arrived; process() consumes them.
  mutable_byte_view prepare_input(std::size_t n);
  void commit_input(std::size_t n);
  /// Frees the receive buffer if no partial packet is in it (the connection went quiet).
  void release_input_buffer() noexcept { opener_.release_buffer_if_empty(); }
  /// Processes buffered input as far as possible. Errors end the connection: a DISCONNECT
  /// may have been queued for the peer; write the output, then close. The error says what
  /// the peer did wrong (protocol_error, authentication_failed for a MAC failure, ...).
  result<void> process();
  /// False while waiting for a host key verdict or while the upper layers have not drained
  /// their queue: stop reading from the socket until it is true again.
  bool wants_input() const noexcept;

  /// Bytes to write to the peer; the caller takes them (the vector is swapped out).
  bool has_output() const noexcept { return !output_.empty(); }
  std::size_t output_size() const noexcept { return output_.size(); }
  bytes take_output();

  std::optional<transport_event> next_event();
  std::optional<incoming_packet> next_packet();

  /// Sends an upper-layer payload, or queues it while a key exchange is in progress.
  /// Errors: connection_closed, length_exceeds_limit.
  result<void> send(byte_view payload);
  /// Starts a key re-exchange unless one is running. Errors: connection_closed.
  result<void> request_rekey();
  /// Client: the answer to events::verify_host_key. On trust it continues with the input
  /// buffered meanwhile (errors as for process()).
  result<void> host_key_verdict(bool trusted);
  /// Queues SSH_MSG_DISCONNECT and refuses all further traffic.
  void disconnect(disconnect_reason reason, std::string_view description);
  /// SSH_MSG_UNIMPLEMENTED for a packet the upper layers do not understand.
  void send_unimplemented(std::uint32_t sequence);
  /// Sends SSH_MSG_IGNORE (keepalive traffic that needs no reply).
  result<void> send_ignore(byte_view data = {});

  bool closed() const noexcept { return closed_; }
  bool handshake_complete() const noexcept { return session_id_.has_value(); }
  bool kex_in_progress() const noexcept { return our_kexinit_.has_value(); }
  const std::optional<bytes>& session_id() const noexcept { return session_id_; }
  const peer_identification& peer() const noexcept { return ident_reader_.identification(); }
  const std::string& our_identification() const noexcept { return our_ident_; }
  const std::optional<negotiated_algorithms>& negotiated() const noexcept { return negotiated_; }
  /// The server's extensions as a client saw them (server-sig-algs, ...).
  const std::map<std::string, std::string>& peer_extensions() const noexcept {
    return peer_extensions_;
  }
  role side() const noexcept { return settings_.side; }
  /// Rekeys done so far (not counting the first exchange).
  std::uint64_t rekey_count() const noexcept { return rekeys_; }

 private:
  bool is_client() const noexcept { return settings_.side == role::client; }
  result<void> handle_packet(byte_view payload, std::uint32_t sequence);
  result<void> handle_kex_packet(byte_view payload);
  result<void> on_kexinit(byte_view payload);
  result<void> on_newkeys();
  result<void> send_kexinit();
  result<void> send_newkeys();
  result<void> write_packet(byte_view payload);
  result<void> start_method();
  result<void> after_method_step(std::vector<bytes> out);
  result<void> maybe_finish_kex();
  result<void> check_rekey_limits();
  void handle_ext_info(byte_view payload);
  result<void> start_delayed_compression();
  error fail(errc code, std::string detail,
             disconnect_reason reason = disconnect_reason::protocol_error);
  result<std::unique_ptr<crypto::packet_protection>> make_protection(bool outgoing) const;
  std::vector<std::string> host_key_algorithms_offered() const;
  const key* host_key_for(std::string_view algorithm) const;

  transport_settings settings_;
  std::string our_ident_;
  identification_reader ident_reader_;
  packet_sealer sealer_;
  packet_opener opener_;
  bytes output_;
  std::deque<transport_event> events_;
  std::deque<incoming_packet> incoming_;
  std::size_t incoming_bytes_ = 0;
  std::deque<bytes> pending_out_;  // upper-layer payloads held during a key exchange
  std::size_t pending_out_bytes_ = 0;

  // Key exchange state.
  std::optional<bytes> our_kexinit_;  // set from sending KEXINIT until the exchange ends
  std::optional<bytes> peer_kexinit_;
  std::optional<negotiated_algorithms> negotiated_;
  std::unique_ptr<kex_method> method_;
  std::optional<kex_outcome> outcome_;
  bool ignore_next_kex_packet_ = false;  // the peer's wrong first_kex_packet_follows guess
  bool awaiting_verdict_ = false;
  bool newkeys_sent_ = false, newkeys_received_ = false;
  bool strict_ = false;
  bool first_packet_seen_ = false, first_packet_was_kexinit_ = false;
  std::size_t packets_during_kex_ = 0;
  std::uint64_t rekeys_ = 0;
  bool initial_kex_done_ = false;
  std::optional<bytes> session_id_;
  std::map<std::string, std::string> peer_extensions_;
  bool delayed_compression_pending_in_ = false, delayed_compression_pending_out_ = false;
  bool closed_ = false;
  bool started_ = false;
};

}  // namespace sshlib::transport
