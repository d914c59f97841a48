#!/usr/bin/env bash
# Compares sshlib's sign/verify rates (keys_bench) with `openssl speed` for the same
# primitives, in one run on one machine, and prints a markdown table of operations per second.
#
# Usage: keys-vs-openssl.sh <path to a Release keys_bench> [seconds per test]
set -euo pipefail

bench=${1:?usage: $0 <keys_bench binary> [seconds]}
seconds=${2:-2}
[[ -x $bench ]] || { echo "not executable: $bench" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }

# openssl speed -mr prints, per algorithm, a line whose last two fields are signs/s and
# verifies/s: "+F2:<i>:<bits>:<sign/s>:<verify/s>" (RSA), "+F4:..." (ECDSA),
# "+F6:<i>:<bits>:<name>:<sign/s>:<verify/s>" (EdDSA).
declare -A ossl_sign ossl_verify
while IFS=: read -r tag rest; do
  sign=$(awk -F: '{ print $(NF-1) }' <<<"$rest")
  verify=$(awk -F: '{ print $NF }' <<<"$rest")
  bits=$(cut -d: -f2 <<<"$rest")
  case $tag in
    +F2) name=rsa$bits ;;
    +F4) name=ecdsa_p$bits ;;
    +F6) name=ed25519 ;;
    *) continue ;;
  esac
  ossl_sign[$name]=$sign
  ossl_verify[$name]=$verify
done < <(openssl speed -mr -seconds "$seconds" ed25519 ecdsap256 ecdsap384 ecdsap521 rsa2048 rsa4096 2>/dev/null | grep '^+F[246]:')

# CSV columns: name,iterations,real_time,cpu_time,time_unit,...; cpu_time in ns.
csv=$("$bench" --benchmark_format=csv --benchmark_min_time="${seconds}" 2>/dev/null)
rate() {  # rate <benchmark name> -> operations per CPU second
  echo "$csv" | awk -F, -v n="\"$1\"" '$1 == n { printf "%.0f", 1e9 / $4 }'
}

declare -A reference=(
  [ed25519]=ed25519 [ecdsa_p256]=ecdsa_p256 [ecdsa_p384]=ecdsa_p384 [ecdsa_p521]=ecdsa_p521
  [rsa2048_sha256]=rsa2048 [rsa2048_sha512]=rsa2048 [rsa4096_sha512]=rsa4096
)
order=(ed25519 ecdsa_p256 ecdsa_p384 ecdsa_p521 rsa2048_sha256 rsa2048_sha512 rsa4096_sha512)

echo "| key / algorithm | OpenSSL sign/s | sshlib sign/s | ratio | OpenSSL verify/s | sshlib verify/s | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for label in "${order[@]}"; do
  ref=${reference[$label]}
  s=$(rate "bm_sign/$label")
  v=$(rate "bm_verify/$label")
  printf '| %s | %.0f | %s | %.2f | %.0f | %s | %.2f |\n' "$label" \
    "${ossl_sign[$ref]}" "$s" "$(awk -v a="$s" -v b="${ossl_sign[$ref]}" 'BEGIN { print a / b }')" \
    "${ossl_verify[$ref]}" "$v" "$(awk -v a="$v" -v b="${ossl_verify[$ref]}" 'BEGIN { print a / b }')"
done
echo
echo "OpenSSL $(openssl version | cut -d' ' -f2); $(nproc) CPU(s); $(uname -m); openssl speed -seconds $seconds; keys_bench signs a 64-byte message (SSH signature blob encoding included)."
