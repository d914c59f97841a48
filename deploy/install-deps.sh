#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything the project needs to build and test.
# Idempotent: packages already present are left alone and apt is not touched at all when
# nothing is missing. First step of both README commands and of .ci/run.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make git
  # libraries
  libboost-dev libssl-dev zlib1g-dev nlohmann-json3-dev libargon2-dev libcrypt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing (libFuzzer ships with clang 14 on Debian 12)
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  # real peers for the interop tests; xauth for sshd's X11 forwarding; curl for the SOCKS5
  # example and ssh -D (tested with curl --socks5-hostname)
  openssh-client openssh-server putty-tools xauth curl
  # benchmarks compare with `openssl speed`; the demo and load scripts pick free ports
  openssl python3-minimal
  # promtool (checks the metrics exposition and the alerting rules) and the Prometheus server
  prometheus
  # asciinema replays the bastion's terminal recordings in the tests (asciinema cat);
  # util-linux's prlimit sets a file size limit on a running bastion (the full-disk test)
  asciinema util-linux
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
