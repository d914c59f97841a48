// Seal and open throughput of one 32 KiB packet per SSH cipher/MAC pair, to compare with
// `openssl speed` for the same primitives (load-tests/scripts/crypto-vs-openssl.sh).
#include "crypto/packet_protection.hpp"
#include "crypto/random.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace sshlib;
using namespace sshlib::crypto;

constexpr std::size_t payload_size = 32 * 1024;

struct pair_state {
  std::unique_ptr<packet_protection> sealer, opener;
};

pair_state make(const char* cipher, const char* mac) {
  const cipher_spec* c = find_cipher_spec(cipher);
  const mac_spec* m = find_mac_spec(mac);
  const bytes key = random_bytes(c->key_length), iv = random_bytes(c->iv_length);
  const bytes mac_key = random_bytes(m != nullptr ? m->key_length : 0);
  pair_state s;
  s.sealer = std::move(*packet_protection::create(cipher, mac, cipher_direction::encrypt, key, iv, mac_key));
  s.opener = std::move(*packet_protection::create(cipher, mac, cipher_direction::decrypt, key, iv, mac_key));
  return s;
}

bytes build(const packet_protection& p) {
  const std::size_t covered = (p.length_is_aad() ? 0 : 4) + 1 + payload_size;
  std::size_t padding = p.block_size() - covered % p.block_size();
  if (padding < 4) padding += p.block_size();
  const std::size_t length = 1 + payload_size + padding;
  bytes out(4 + length + p.tag_length(), 0x5a);
  out[0] = static_cast<std::uint8_t>(length >> 24);
  out[1] = static_cast<std::uint8_t>(length >> 16);
  out[2] = static_cast<std::uint8_t>(length >> 8);
  out[3] = static_cast<std::uint8_t>(length);
  out[4] = static_cast<std::uint8_t>(padding);
  return out;
}

void bm_seal(benchmark::State& state, const char* cipher, const char* mac) {
  auto s = make(cipher, mac);
  const bytes plain = build(*s.sealer);
  bytes packet = plain;
  std::uint32_t seq = 0;
  for (auto _ : state) {
    // Restore the length field the previous seal encrypted (the rest may stay ciphertext:
    // the cost does not depend on the bytes).
    std::copy_n(plain.begin(), 4, packet.begin());
    if (!s.sealer->seal(seq++, packet)) state.SkipWithError("seal failed");
    benchmark::DoNotOptimize(packet.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(payload_size));
}

void bm_open(benchmark::State& state, const char* cipher, const char* mac) {
  // Open needs a fresh sealed packet per sequence number; seal them outside the timing.
  auto s = make(cipher, mac);
  const bytes plain = build(*s.sealer);
  bytes packet;
  std::uint32_t seq = 0;
  for (auto _ : state) {
    state.PauseTiming();
    packet = plain;
    if (!s.sealer->seal(seq, packet)) state.SkipWithError("seal failed");
    state.ResumeTiming();
    bytes prefix(packet.begin(), packet.begin() + static_cast<long>(s.opener->length_prefix_size()));
    auto len = s.opener->open_length(seq, prefix);
    std::copy(prefix.begin(), prefix.end(), packet.begin());
    if (!len || !s.opener->open(seq, packet)) state.SkipWithError("open failed");
    ++seq;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(payload_size));
}

#define SSHLIB_PAIR(label, cipher, mac)                         \
  BENCHMARK_CAPTURE(bm_seal, label, cipher, mac);               \
  BENCHMARK_CAPTURE(bm_open, label, cipher, mac);

SSHLIB_PAIR(chacha20_poly1305, "chacha20-poly1305@openssh.com", "")
SSHLIB_PAIR(aes128_gcm, "aes128-gcm@openssh.com", "")
SSHLIB_PAIR(aes256_gcm, "aes256-gcm@openssh.com", "")
SSHLIB_PAIR(aes128_ctr_hmac_sha2_256, "aes128-ctr", "hmac-sha2-256")
SSHLIB_PAIR(aes256_ctr_hmac_sha2_512_etm, "aes256-ctr", "hmac-sha2-512-etm@openssh.com")
SSHLIB_PAIR(aes256_cbc_hmac_sha1, "aes256-cbc", "hmac-sha1")
SSHLIB_PAIR(3des_cbc_hmac_sha1, "3des-cbc", "hmac-sha1")

}  // namespace

BENCHMARK_MAIN();
