#!/usr/bin/env bash
# The bastion as a jump host against OpenSSH's sshd as one, in the same run, with the same
# OpenSSH client, the same target (Debian's sshd) and curve25519-sha256 / aes128-gcm:
#  - CPU per session: N sequential `ssh -J jump target true` (hop mode) and, for the
#    bastion, N `ssh alice+target@bastion true` (terminating mode: both legs' handshakes);
#  - CPU per GiB relayed: one `cat > /dev/null` of MiB zero bytes through each;
#  - memory per idle session (PSS and USS of the jump host's processes): K sessions held
#    open (`sleep`);
#  - wall time per session: median over the N runs, against a direct `ssh target true`.
# CPU is the kernel's per-cgroup accounting (cgroup v1 cpuacct): each jump host runs in a
# cgroup of its own, so its forked children (sshd's per-connection processes) count too.
# Prints a markdown table with the ratio bastion / sshd where both apply.
#
# Usage: bastion-vs-openssh.sh <build dir, e.g. build/release> [sessions, default 50]
#                              [MiB, default 1024] [idle sessions, default 50]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

build=${1:?usage: $0 <build dir> [sessions] [MiB] [idle sessions]}
sessions=${2:-50}
mib=${3:-1024}
idle=${4:-50}
bench_require "$build"

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$dir"/*.pid; do [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  pkill -f "sleep 7777" 2>/dev/null || true
  sleep 0.5
  for g in "$cg_root"/bench-$$-*; do [[ -d $g ]] && rmdir "$g" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p /run/sshd
for k in target_host jump_host user upstream; do ssh-keygen -q -t ed25519 -N '' -f "$dir/$k"; done
cat "$dir/user.pub" "$dir/upstream.pub" > "$dir/authorized_keys"
login=$(id -un)

start_sshd() {  # name port hostkey
  cat > "$dir/$1.conf" <<CFG
HostKey $3
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/$1.pid
ListenAddress 127.0.0.1:$2
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
AllowTcpForwarding yes
MaxStartups 200
MaxSessions 200
SetEnv HOME=$dir
LogLevel ERROR
CFG
  /usr/sbin/sshd -f "$dir/$1.conf" -E "$dir/$1.log"
  for _ in $(seq 100); do [[ -s $dir/$1.pid ]] && break; sleep 0.1; done
}
target_port=$(free_port); start_sshd target "$target_port" "$dir/target_host"
jump_port=$(free_port); start_sshd jump "$jump_port" "$dir/jump_host"
bastion_port=$(free_port)

python3 - "$dir" "$bastion_port" "$target_port" "$login" <<'PY'
import json, sys
d, port, tport, login = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pub = lambda n: open(f"{d}/{n}.pub").read().split()[0:2]
policy = {
    "users": {"alice": {"public_keys": [" ".join(pub("user"))]}},
    "targets": {"target": {"host": "127.0.0.1", "port": tport,
                           "host_keys": [" ".join(pub("target_host"))],
                           "upstream_auth": {"method": "key", "key_file": f"{d}/upstream"}}},
    "rules": [{"name": "bench", "users": ["alice"], "targets": ["target"], "logins": [login],
               "allow": {"shell": True, "exec": True},
               "limits": {"max_sessions": 10000, "idle_timeout_seconds": 0}}],
}
config = {"listen": [f"127.0.0.1:{port}"], "workers": 2,
          "host_keys": [{"path": f"{d}/bastion_host", "generate": "ed25519"}],
          "limits": {"max_connections": 10000, "max_unauthenticated": 1000,
                     "max_unauthenticated_per_source": 1000},
          "log": {"file": f"{d}/events.jsonl"}, "policy": policy}
json.dump(config, open(f"{d}/bastion.json", "w"))
PY
"$bastion" --config "$dir/bastion.json" > "$dir/bastion.out" 2> "$dir/bastion.err" &
bastion_pid=$!
pids+=("$bastion_pid")
for _ in $(seq 100); do grep -q 'listening on' "$dir/bastion.out" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$dir/bastion.out" || { cat "$dir/bastion.err" >&2; exit 1; }

# Each jump host in a cpuacct cgroup of its own (sshd's future children inherit it).
mkdir "$cg_root/bench-$$-sshd" "$cg_root/bench-$$-bastion"
echo "$(cat "$dir/jump.pid")" > "$cg_root/bench-$$-sshd/cgroup.procs"
echo "$bastion_pid" > "$cg_root/bench-$$-bastion/cgroup.procs"
cpu_ns() { cat "$cg_root/bench-$$-$1/cpuacct.usage"; }

{
  echo "[127.0.0.1]:$target_port $(cut -d' ' -f1,2 "$dir/target_host.pub")"
  echo "[127.0.0.1]:$jump_port $(cut -d' ' -f1,2 "$dir/jump_host.pub")"
  echo "[127.0.0.1]:$bastion_port $(ssh-keygen -y -f "$dir/bastion_host" | cut -d' ' -f1,2)"
} > "$dir/known_hosts"
{
  bench_host target "$target_port" "$login"
  bench_host jump-sshd "$jump_port" "$login"
  bench_host bastion "$bastion_port" alice
} > "$dir/ssh_config"
bench_client_defaults "$dir" >> "$dir/ssh_config"
ssh_() { ssh -F "$dir/ssh_config" "$@"; }

# Runs "$@" $sessions times; prints "median_wall_ms".
median_wall() {
  local times=()
  for _ in $(seq "$sessions"); do
    local a b
    a=$(date +%s%N)
    "$@" < /dev/null > /dev/null
    b=$(date +%s%N)
    times+=($(( (b - a) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}
# CPU of cgroup $1 while "${@:2}" runs $sessions times: "ms_per_session median_wall_ms"
per_session() {
  local group=$1; shift
  local before after wall
  before=$(cpu_ns "$group")
  wall=$(median_wall "$@")
  after=$(cpu_ns "$group")
  awk -v a="$before" -v b="$after" -v n="$sessions" -v w="$wall" 'BEGIN { printf "%.2f %s", (b - a) / n / 1e6, w }'
}
# CPU seconds of cgroup $1 per GiB pushed through "${@:2}".
per_gib() {
  local group=$1; shift
  local before after
  before=$(cpu_ns "$group")
  head -c $((mib * 1024 * 1024)) /dev/zero | "$@" 'cat > /dev/null'
  after=$(cpu_ns "$group")
  awk -v a="$before" -v b="$after" -v m="$mib" 'BEGIN { printf "%.2f", (b - a) / 1e9 / (m / 1024) }'
}
# Memory (KiB) of every process in cgroup $1: "PSS USS". PSS shares each shared page among
# its users, so a long-lived process's PSS can fall when more processes map its libraries;
# USS (private pages only) is what a session adds to it without that effect.
mem_kib() {
  local pss=0 uss=0 p
  for p in $(cat "$cg_root/bench-$$-$1/cgroup.procs"); do
    read -r a b < <(awk '/^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { u += $2 } END { print p + 0, u + 0 }' \
                    "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0")
    pss=$((pss + ${a:-0}))
    uss=$((uss + ${b:-0}))
  done
  echo "$pss $uss"
}
# KiB per idle session held open through "${@:2}" (cgroup $1): "PSS / USS (n up)".
per_idle_session() {
  local group=$1 n=0 holders=() p0 u0 p1 u1
  shift
  read -r p0 u0 <<< "$(mem_kib "$group")"
  for _ in $(seq "$idle"); do
    "$@" 'sleep 7777' < /dev/null > /dev/null 2>&1 &
    holders+=($!)
  done
  for _ in $(seq 600); do
    n=$(pgrep -c -f '^sleep 7777$' || true)
    [[ $n -ge $idle ]] && break
    sleep 0.1
  done
  sleep 1  # let the jump host settle its buffers once every session is up
  read -r p1 u1 <<< "$(mem_kib "$group")"
  kill "${holders[@]}" 2>/dev/null || true
  pkill -f '^sleep 7777$' 2>/dev/null || true
  wait "${holders[@]}" 2>/dev/null || true
  awk -v a="$p0" -v b="$p1" -v c="$u0" -v d="$u1" -v n="$idle" -v got="$n" \
    'BEGIN { printf "%.1f / %.1f (%d up)", (b - a) / n, (d - c) / n, got }'
}

ssh_ target true  # warm the page cache and the target
direct_wall=$(median_wall ssh_ target true)
read -r sshd_cpu sshd_wall <<< "$(per_session sshd ssh_ -J jump-sshd target true)"
read -r hop_cpu hop_wall <<< "$(per_session bastion ssh_ -J bastion target true)"
read -r term_cpu term_wall <<< "$(per_session bastion ssh_ -l alice+target bastion true)"
sshd_gib=$(per_gib sshd ssh_ -J jump-sshd target)
hop_gib=$(per_gib bastion ssh_ -J bastion target)
term_gib=$(per_gib bastion ssh_ -l alice+target bastion)
sshd_idle=$(per_idle_session sshd ssh_ -J jump-sshd target)
hop_idle=$(per_idle_session bastion ssh_ -J bastion target)
term_idle=$(per_idle_session bastion ssh_ -l alice+target bastion)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", (x > 0 ? y / x : 0) }'; }

echo "sessions=$sessions, ${mib} MiB per transfer, $idle idle sessions; direct ssh target true: median ${direct_wall} ms"
echo
echo "| measure | sshd as jump host | bastion, hop mode | ratio | bastion, terminating mode |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| jump host CPU per session (ms) | $sshd_cpu | $hop_cpu | $(ratio "$sshd_cpu" "$hop_cpu") | $term_cpu |"
echo "| median wall per session (ms; direct: $direct_wall) | $sshd_wall | $hop_wall | $(ratio "$sshd_wall" "$hop_wall") | $term_wall |"
echo "| jump host CPU per GiB (s) | $sshd_gib | $hop_gib | $(ratio "$sshd_gib" "$hop_gib") | $term_gib |"
echo "| memory per idle session, PSS / USS (KiB) | $sshd_idle | $hop_idle | | $term_idle |"
