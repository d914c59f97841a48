#!/usr/bin/env bash
# Compares sshlib's packet seal/open throughput (crypto_bench, 32 KiB packets) with
# `openssl speed` for the same primitives at 16384-byte blocks, in one run on one machine,
# and prints a markdown table. For cipher+MAC pairs the OpenSSL figure is the combined rate
# of the cipher and the HMAC run back to back: 1 / (1/cipher + 1/hmac).
#
# Usage: crypto-vs-openssl.sh <path to a Release crypto_bench> [seconds per openssl test]
set -euo pipefail

bench=${1:?usage: $0 <crypto_bench binary> [seconds]}
seconds=${2:-2}
[[ -x $bench ]] || { echo "not executable: $bench" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl not found" >&2; exit 1; }

# openssl speed -mr prints "+F:<n>:<name>:<bytes per second>" for one block size.
speed() {  # speed <args...> -> bytes/s
  openssl speed -mr -seconds "$seconds" -bytes 16384 "$@" 2>/dev/null |
    awk -F: '/^\+F:/ { print $4; exit }'
}

declare -A ossl
ossl[chacha20-poly1305]=$(speed -evp chacha20-poly1305)
ossl[aes-128-gcm]=$(speed -evp aes-128-gcm)
ossl[aes-256-gcm]=$(speed -evp aes-256-gcm)
ossl[aes-128-ctr]=$(speed -evp aes-128-ctr)
ossl[aes-256-ctr]=$(speed -evp aes-256-ctr)
ossl[aes-256-cbc]=$(speed -evp aes-256-cbc)
ossl[des-ede3-cbc]=$(speed -evp des-ede3-cbc)
ossl[hmac-sha1]=$(speed -hmac sha1)
ossl[hmac-sha256]=$(speed -hmac sha256)
ossl[hmac-sha512]=$(speed -hmac sha512)

# CSV columns: name,iterations,real_time,cpu_time,time_unit,bytes_per_second,...
csv=$("$bench" --benchmark_format=csv --benchmark_min_time="${seconds}" 2>/dev/null)

# label in crypto_bench -> OpenSSL primitives it is made of
declare -A parts=(
  [chacha20_poly1305]="chacha20-poly1305"
  [aes128_gcm]="aes-128-gcm"
  [aes256_gcm]="aes-256-gcm"
  [aes128_ctr_hmac_sha2_256]="aes-128-ctr hmac-sha256"
  [aes256_ctr_hmac_sha2_512_etm]="aes-256-ctr hmac-sha512"
  [aes256_cbc_hmac_sha1]="aes-256-cbc hmac-sha1"
  [3des_cbc_hmac_sha1]="des-ede3-cbc hmac-sha1"
)
order=(chacha20_poly1305 aes128_gcm aes256_gcm aes128_ctr_hmac_sha2_256
       aes256_ctr_hmac_sha2_512_etm aes256_cbc_hmac_sha1 3des_cbc_hmac_sha1)

mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

echo "| SSH algorithms | OpenSSL primitives | OpenSSL MiB/s | seal MiB/s | open MiB/s | seal/OpenSSL | open/OpenSSL |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for label in "${order[@]}"; do
  inv=0
  for p in ${parts[$label]}; do
    inv=$(awk -v i="$inv" -v r="${ossl[$p]}" 'BEGIN { printf "%.12g", i + 1 / r }')
  done
  ref=$(awk -v i="$inv" 'BEGIN { printf "%.0f", 1 / i }')
  seal=$(echo "$csv" | awk -F, -v n="\"bm_seal/$label\"" '$1 == n { print $6 }')
  open=$(echo "$csv" | awk -F, -v n="\"bm_open/$label\"" '$1 == n { print $6 }')
  printf '| %s | %s | %s | %s | %s | %.2f | %.2f |\n' "$label" "${parts[$label]// / + }" \
    "$(mib "$ref")" "$(mib "$seal")" "$(mib "$open")" \
    "$(awk -v a="$seal" -v b="$ref" 'BEGIN { print a / b }')" \
    "$(awk -v a="$open" -v b="$ref" 'BEGIN { print a / b }')"
done
echo
echo "OpenSSL $(openssl version | cut -d' ' -f2); $(nproc) CPU(s); $(uname -m); openssl speed -seconds $seconds -bytes 16384; crypto_bench 32 KiB packets."
