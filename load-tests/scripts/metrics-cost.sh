#!/usr/bin/env bash
# What the metrics cost the relay (issue #8: "relay throughput with metrics on is within 2%
# of metrics off"). Two bastions in front of the same target (Debian's sshd), each in a
# cpuacct cgroup of its own: "off" without a metrics section, "on" serving /metrics while a
# scraper fetches it every 100 ms (fifty times Prometheus' usual pace) during the transfers.
# Each pushes MiB zero bytes through hop mode (ssh -J, `cat > /dev/null` on the target)
# `runs` times, alternating; prints the median wall seconds, the throughput and the bastion's
# CPU seconds per GiB. curve25519-sha256, aes128-gcm.
#
# Usage: metrics-cost.sh <build dir, e.g. build/release> [MiB, default 1024] [runs, default 5]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

build=${1:?usage: $0 <build dir> [MiB] [runs]}
mib=${2:-1024}
runs=${3:-5}
bench_require "$build"

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -s $dir/target.pid ]] && kill "$(cat "$dir/target.pid")" 2>/dev/null || true
  sleep 0.5
  for g in "$cg_root"/metricscost-$$-*; do [[ -d $g ]] && rmdir "$g" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
for k in target_host user; do ssh-keygen -q -t ed25519 -N '' -f "$dir/$k"; done
cp "$dir/user.pub" "$dir/authorized_keys"
login=$(id -un)

target_port=$(free_port)
start_target_sshd "$dir" "$target_port"
echo "[127.0.0.1]:$target_port $(cut -d' ' -f1,2 "$dir/target_host.pub")" > "$dir/known_hosts"

modes=(off on)
declare -A port
metrics_port=$(free_port)
for m in "${modes[@]}"; do
  port[$m]=$(free_port)
  python3 - "$dir" "${port[$m]}" "$target_port" "$m" "$metrics_port" <<'PY'
import json, sys
d, port, tport, mode, mport = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
pub = lambda n: " ".join(open(f"{d}/{n}.pub").read().split()[0:2])
policy = {
    "users": {"alice": {"public_keys": [pub("user")]}},
    "targets": {"target": {"host": "127.0.0.1", "port": tport, "host_keys": [pub("target_host")]}},
    "rules": [{"name": "bench", "users": ["alice"], "targets": ["target"], "modes": ["hop"],
               "limits": {"max_sessions": 100, "idle_timeout_seconds": 0}}],
}
config = {"listen": [f"127.0.0.1:{port}"], "workers": 2,
          "host_keys": [{"path": f"{d}/bastion_host_{mode}", "generate": "ed25519"}],
          "log": {"file": f"{d}/events-{mode}.jsonl"}, "policy": policy}
if mode == "on":
    config["metrics"] = {"listen": f"127.0.0.1:{mport}"}
json.dump(config, open(f"{d}/bastion-{mode}.json", "w"))
PY
  "$bastion" --config "$dir/bastion-$m.json" > "$dir/bastion-$m.out" 2> "$dir/bastion-$m.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$dir/bastion-$m.out" 2>/dev/null && break; sleep 0.1; done
  grep -q 'listening on' "$dir/bastion-$m.out" || { cat "$dir/bastion-$m.err" >&2; exit 1; }
  mkdir "$cg_root/metricscost-$$-$m"
  echo "${pids[-1]}" > "$cg_root/metricscost-$$-$m/cgroup.procs"
  echo "[127.0.0.1]:${port[$m]} $(ssh-keygen -y -f "$dir/bastion_host_$m" | cut -d' ' -f1,2)" >> "$dir/known_hosts"
done

cpu_ns() { cat "$cg_root/metricscost-$$-$1/cpuacct.usage"; }
# A config file, not -o options: ssh -J passes only -F on to the jump host's ssh.
cat > "$dir/ssh_config" <<CFG
Host *
  IdentityFile $dir/user
  IdentitiesOnly yes
  BatchMode yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  KexAlgorithms curve25519-sha256
  Ciphers aes128-gcm@openssh.com
  Compression no
  LogLevel ERROR
CFG
ssh_() {  # mode command
  ssh -F "$dir/ssh_config" -J "alice@127.0.0.1:${port[$1]}" -p "$target_port" "$login@127.0.0.1" "$2"
}
# The scraper: /metrics every 100 ms for as long as the run lasts.
( while :; do curl -s -o /dev/null "http://127.0.0.1:$metrics_port/metrics" || true; sleep 0.1; done ) &
pids+=($!)

declare -A walls cpu
for m in "${modes[@]}"; do walls[$m]=""; cpu[$m]=0; done
for _ in $(seq "$runs"); do
  for m in "${modes[@]}"; do
    before=$(cpu_ns "$m")
    a=$(date +%s%N)
    head -c $((mib * 1024 * 1024)) /dev/zero | ssh_ "$m" 'cat > /dev/null'
    b=$(date +%s%N)
    after=$(cpu_ns "$m")
    walls[$m]+="$(( (b - a) / 1000000 )) "
    cpu[$m]=$(( ${cpu[$m]} + after - before ))
  done
done
scrapes=$(curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^bastion_metrics_http_responses_total/ { s += $2 } END { print s + 0 }')

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'; }
echo "| bastion | median wall for ${mib} MiB (s) | MiB/s | bastion CPU per GiB (s) |"
echo "| --- | --- | --- | --- |"
for m in "${modes[@]}"; do
  w=$(echo "${walls[$m]}" | median)
  awk -v m="$m" -v w="$w" -v mib="$mib" -v c="${cpu[$m]}" -v r="$runs" \
    'BEGIN { printf "| %s | %s | %.0f | %.2f |\n", m, w, mib / w, c / 1e9 / (r * mib / 1024) }'
done
echo "(the scraper fetched /metrics $scrapes times)"
