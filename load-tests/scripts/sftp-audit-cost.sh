#!/usr/bin/env bash
# What recording costs an SFTP transfer through the bastion in terminating mode (issue #7:
# "the transfer slows by less than 10%"). Three bastions in front of the same target (Debian's
# sshd, internal-sftp), each in a cpuacct cgroup of its own:
#   off   no recording section: the sftp channel is only relayed;
#   audit recording on: every SFTP operation decoded and logged, SHA-256 of whole files;
#   nohash recording on with "sftp_sha256": false.
# For each, OpenSSH's sftp puts then gets a file of MiB random bytes (in /dev/shm, so no disk
# in the way) `runs` times; prints the median wall seconds of each direction and the
# bastion's CPU seconds per GiB, with the ratio to "off". curve25519-sha256, aes128-gcm.
#
# Usage: sftp-audit-cost.sh <build dir, e.g. build/release> [MiB, default 1024] [runs, default 3]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

build=${1:?usage: $0 <build dir> [MiB] [runs]}
mib=${2:-1024}
runs=${3:-3}
bench_require "$build"

dir=$(mktemp -d)
data=$(mktemp -d /dev/shm/sftp-audit-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -s $dir/target.pid ]] && kill "$(cat "$dir/target.pid")" 2>/dev/null || true
  sleep 0.5
  for g in "$cg_root"/sftpaudit-$$-*; do [[ -d $g ]] && rmdir "$g" 2>/dev/null || true; done
  rm -rf "$dir" "$data"
}
trap cleanup EXIT
for k in target_host user upstream; do ssh-keygen -q -t ed25519 -N '' -f "$dir/$k"; done
cat "$dir/upstream.pub" > "$dir/authorized_keys"
login=$(id -un)

target_port=$(free_port)
start_target_sshd "$dir" "$target_port" "Subsystem sftp internal-sftp"

modes=(off audit nohash)
declare -A port
for m in "${modes[@]}"; do
  port[$m]=$(free_port)
  python3 - "$dir" "${port[$m]}" "$target_port" "$login" "$m" <<'PY'
import json, sys
d, port, tport, login, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
pub = lambda n: " ".join(open(f"{d}/{n}.pub").read().split()[0:2])
policy = {
    "users": {"alice": {"public_keys": [pub("user")]}},
    "targets": {"target": {"host": "127.0.0.1", "port": tport, "host_keys": [pub("target_host")],
                           "upstream_auth": {"method": "key", "key_file": f"{d}/upstream"}}},
    "rules": [{"name": "bench", "users": ["alice"], "targets": ["target"], "logins": [login],
               "allow": {"subsystems": ["sftp"]},
               "limits": {"max_sessions": 100, "idle_timeout_seconds": 0}}],
}
config = {"listen": [f"127.0.0.1:{port}"], "workers": 2,
          "host_keys": [{"path": f"{d}/bastion_host_{mode}", "generate": "ed25519"}],
          "log": {"file": f"{d}/events-{mode}.jsonl"}, "policy": policy}
if mode != "off":
    config["recording"] = {"directory": f"{d}/recordings-{mode}", "sftp_sha256": mode == "audit"}
json.dump(config, open(f"{d}/bastion-{mode}.json", "w"))
PY
  "$bastion" --config "$dir/bastion-$m.json" > "$dir/bastion-$m.out" 2> "$dir/bastion-$m.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q 'listening on' "$dir/bastion-$m.out" 2>/dev/null && break; sleep 0.1; done
  grep -q 'listening on' "$dir/bastion-$m.out" || { cat "$dir/bastion-$m.err" >&2; exit 1; }
  mkdir "$cg_root/sftpaudit-$$-$m"
  echo "${pids[-1]}" > "$cg_root/sftpaudit-$$-$m/cgroup.procs"
  echo "[127.0.0.1]:${port[$m]} $(ssh-keygen -y -f "$dir/bastion_host_$m" | cut -d' ' -f1,2)" >> "$dir/known_hosts"
done

head -c $((mib * 1024 * 1024)) /dev/urandom > "$data/source.bin"
cpu_ns() { cat "$cg_root/sftpaudit-$$-$1/cpuacct.usage"; }
sftp_() {  # mode batch-commands
  sftp -b - -F /dev/null -i "$dir/user" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes \
    -o KexAlgorithms=curve25519-sha256 -o Ciphers=aes128-gcm@openssh.com -o Compression=no \
    -o LogLevel=ERROR -P "${port[$1]}" "alice+target@127.0.0.1" <<< "$2" > /dev/null
}
seconds() { local a b; a=$(date +%s%N); "$@"; b=$(date +%s%N); echo $(( (b - a) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'; }

declare -A put get cpu
for m in "${modes[@]}"; do
  before=$(cpu_ns "$m")
  puts=() gets=()
  for _ in $(seq "$runs"); do
    puts+=("$(seconds sftp_ "$m" "put $data/source.bin $data/remote-$m.bin")")
    gets+=("$(seconds sftp_ "$m" "get $data/remote-$m.bin $data/back-$m.bin")")
    cmp -s "$data/source.bin" "$data/back-$m.bin" || { echo "$m: the file came back different" >&2; exit 1; }
    rm -f "$data/remote-$m.bin" "$data/back-$m.bin"
  done
  after=$(cpu_ns "$m")
  put[$m]=$(printf '%s\n' "${puts[@]}" | median)
  get[$m]=$(printf '%s\n' "${gets[@]}" | median)
  cpu[$m]=$(awk -v a="$before" -v b="$after" -v m="$mib" -v r="$runs" 'BEGIN { printf "%.2f", (b - a) / 1e9 / (2 * r * m / 1024) }')
done
if [[ $(grep -c '"op":"close"' "$dir/events-audit.jsonl") -lt $((2 * runs)) ]] ||
   ! grep -q '"sha256"' "$dir/events-audit.jsonl"; then
  echo "the audit did not log the transfers with their SHA-256" >&2
  exit 1
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| bastion | put ${mib} MiB (s) | get ${mib} MiB (s) | bastion CPU per GiB (s) | put / off | get / off |"
echo "| --- | --- | --- | --- | --- | --- |"
for m in "${modes[@]}"; do
  echo "| $m | ${put[$m]} | ${get[$m]} | ${cpu[$m]} | $(ratio "${put[$m]}" "${put[off]}") | $(ratio "${get[$m]}" "${get[off]}") |"
done
