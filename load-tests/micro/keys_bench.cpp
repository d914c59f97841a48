// Sign and verify cost per SSH key type (a 64-byte message, about the size of an exchange
// hash), to compare with `openssl speed` for the same primitives
// (load-tests/scripts/keys-vs-openssl.sh). DSA only verifies: we refuse to sign with it.
#include <sshlib/key.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace sshlib;

const bytes& message() {
  static const bytes m(64, 0x42);
  return m;
}

void bm_sign(benchmark::State& state, key_type type, std::size_t bits, const char* algorithm) {
  auto k = generate_key(type, bits);
  if (!k) {
    state.SkipWithError(k.error().detail.c_str());
    return;
  }
  for (auto _ : state) {
    auto sig = k->sign(message(), algorithm);
    if (!sig) state.SkipWithError("sign failed");
    benchmark::DoNotOptimize(sig);
  }
}

void bm_verify(benchmark::State& state, key_type type, std::size_t bits, const char* algorithm) {
  auto k = generate_key(type, bits);
  if (!k) {
    state.SkipWithError(k.error().detail.c_str());
    return;
  }
  const auto sig = k->sign(message(), algorithm);
  if (!sig) {
    state.SkipWithError("sign failed");
    return;
  }
  for (auto _ : state) {
    auto ok = k->verify(message(), *sig);
    if (!ok) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(ok);
  }
}

}  // namespace

#define SSHLIB_KEY_BENCH(label, type, bits, algorithm)                           \
  BENCHMARK_CAPTURE(bm_sign, label, key_type::type, bits, algorithm);           \
  BENCHMARK_CAPTURE(bm_verify, label, key_type::type, bits, algorithm)

SSHLIB_KEY_BENCH(ed25519, ed25519, 0, "ssh-ed25519");
SSHLIB_KEY_BENCH(ecdsa_p256, ecdsa_p256, 0, "ecdsa-sha2-nistp256");
SSHLIB_KEY_BENCH(ecdsa_p384, ecdsa_p384, 0, "ecdsa-sha2-nistp384");
SSHLIB_KEY_BENCH(ecdsa_p521, ecdsa_p521, 0, "ecdsa-sha2-nistp521");
SSHLIB_KEY_BENCH(rsa2048_sha256, rsa, 2048, "rsa-sha2-256");
SSHLIB_KEY_BENCH(rsa2048_sha512, rsa, 2048, "rsa-sha2-512");
SSHLIB_KEY_BENCH(rsa4096_sha512, rsa, 4096, "rsa-sha2-512");

BENCHMARK_MAIN();
