// The transport's own cost, in memory (no sockets): one full handshake between a client and a
// server machine (curve25519-sha256 + ssh-ed25519, both roles' CPU), next to the crypto it
// cannot avoid (two X25519 key pairs and agreements, one Ed25519 signature and its
// verification); and bulk payloads through both machines per AEAD, next to sealing and
// opening alone (crypto_bench). load-tests/scripts/transport-handshake.sh prints the ratios.
#include "crypto/kex_x25519.hpp"
#include "transport/transport_machine.hpp"

#include <sshlib/key.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>

namespace {

using namespace sshlib;
using namespace sshlib::transport;

const key& host_key() {
  static const key k = generate_key(key_type::ed25519).value();
  return k;
}

struct pair {
  std::unique_ptr<transport_machine> client, server;

  explicit pair(const char* cipher) {
    transport_settings c, s;
    c.side = role::client;
    s.side = role::server;
    s.host_keys = {host_key()};
    for (auto* t : {&c, &s}) {
      (void)t->algorithms.set(algorithm_category::kex, {"curve25519-sha256"});
      (void)t->algorithms.set(algorithm_category::host_key, {"ssh-ed25519"});
      (void)t->algorithms.set(algorithm_category::cipher, {cipher});
    }
    client = transport_machine::create(std::move(c)).value();
    server = transport_machine::create(std::move(s)).value();
    (void)client->start();
    (void)server->start();
  }

  static void move(transport_machine& from, transport_machine& to) {
    if (!from.has_output()) return;
    const bytes out = from.take_output();
    auto space = to.prepare_input(out.size());
    std::copy(out.begin(), out.end(), space.begin());
    to.commit_input(out.size());
    if (auto r = to.process(); !r) std::fprintf(stderr, "process: %s\n", r.error().message().c_str());
  }

  void pump() {
    while (client->has_output() || server->has_output()) {
      move(*client, *server);
      move(*server, *client);
      while (auto e = client->next_event()) {
        if (std::holds_alternative<events::verify_host_key>(*e)) (void)client->host_key_verdict(true);
      }
      while (server->next_event()) {
      }
    }
  }
};

void bm_handshake(benchmark::State& state) {
  for (auto _ : state) {
    pair p("aes128-gcm@openssh.com");
    p.pump();
    if (!p.client->handshake_complete()) state.SkipWithError("handshake failed");
  }
}
BENCHMARK(bm_handshake);

// The same handshake's unavoidable crypto, back to back.
void bm_handshake_crypto_only(benchmark::State& state) {
  const bytes h(32, 0x11);
  for (auto _ : state) {
    auto a = crypto::x25519_exchange::generate().value();
    auto b = crypto::x25519_exchange::generate().value();
    benchmark::DoNotOptimize(a.derive(b.public_value()));
    benchmark::DoNotOptimize(b.derive(a.public_value()));
    const bytes sig = host_key().sign(h).value();
    benchmark::DoNotOptimize(host_key().verify(h, sig));
  }
}
BENCHMARK(bm_handshake_crypto_only);

// Bulk: 32 KiB payloads sealed by the client machine and opened by the server machine.
void bm_bulk(benchmark::State& state, const char* cipher) {
  pair p(cipher);
  p.pump();
  bytes payload(32 * 1024, 0x61);
  payload[0] = 94;  // CHANNEL_DATA-sized upper-layer message
  if (!p.client->handshake_complete()) state.SkipWithError("handshake failed");
  for (auto _ : state) {
    if (auto r = p.client->send(payload); !r) {
      state.SkipWithError(r.error().message().c_str());
      break;
    }
    p.pump();
    if (!p.server->next_packet()) {
      state.SkipWithError("no packet arrived");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(payload.size()));
}
BENCHMARK_CAPTURE(bm_bulk, chacha20_poly1305, "chacha20-poly1305@openssh.com");
BENCHMARK_CAPTURE(bm_bulk, aes128_gcm, "aes128-gcm@openssh.com");
BENCHMARK_CAPTURE(bm_bulk, aes256_gcm, "aes256-gcm@openssh.com");

}  // namespace

BENCHMARK_MAIN();
