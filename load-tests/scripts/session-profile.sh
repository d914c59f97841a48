#!/usr/bin/env bash
# Where the bastion's CPU per hopped session goes: N sequential `ssh -J bastion target true`
# through a bastion with one worker, in front of Debian's sshd, measured three ways:
#  1. user and system CPU per session (cgroup v1 cpuacct.usage_user / usage_sys);
#  2. system calls per session by name (`strace -c -f` attached to the running bastion);
#  3. private memory per idle session, hop and terminating mode, each in a fresh bastion
#     (the slope from K to 2K sessions held open);
#  4. user-space instructions per session (`valgrind --tool=callgrind`, a second bastion
#     under it) and the functions that hold most of them, inclusive.
# Instruction counts repeat run to run on a noisy machine; the CPU times do not: compare
# them within one run.
#
# Usage: [WORKERS=n] session-profile.sh <build dir, e.g. build/release> [sessions, default 50]
#          [sessions under callgrind, default 10; 0 skips it] [idle sessions, default 40; 0 skips]
# WORKERS: the bastion's worker threads (default 1: one thread to trace and count).
# HEAPTRACK=1: also where the idle sessions' memory is allocated (heaptrack, by call site);
# HEAPTRACK=only: that instead of the USS slope.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

build=${1:?usage: $0 <build dir> [sessions] [callgrind sessions]}
sessions=${2:-50}
cg_sessions=${3:-10}
idle=${4:-40}
bench_require "$build"
command -v strace > /dev/null || { echo "needs strace" >&2; exit 1; }
[[ -z ${HEAPTRACK:-} ]] || command -v heaptrack > /dev/null || { echo "needs heaptrack" >&2; exit 1; }

dir=$(mktemp -d)
bastion_pid=
cleanup() {
  [[ -n ${KEEP_PROFILE:-} ]] && cp -r "$dir" /tmp/session-profile-kept
  [[ -n $bastion_pid ]] && kill "$bastion_pid" 2>/dev/null && wait "$bastion_pid" 2>/dev/null
  [[ -s $dir/target.pid ]] && kill "$(cat "$dir/target.pid")" 2>/dev/null
  [[ -d $cg_root/bench-$$ ]] && rmdir "$cg_root/bench-$$" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
for k in target_host user upstream; do ssh-keygen -q -t ed25519 -N '' -f "$dir/$k"; done
cat "$dir/user.pub" "$dir/upstream.pub" > "$dir/authorized_keys"
login=$(id -un)
target_port=$(free_port)
start_target_sshd "$dir" "$target_port"
bastion_port=$(free_port)

python3 - "$dir" "$bastion_port" "$target_port" "$login" "${WORKERS:-1}" <<'PY'
import json, sys
d, port, tport, login, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
pub = lambda n: " ".join(open(f"{d}/{n}.pub").read().split()[0:2])
policy = {
    "users": {"alice": {"public_keys": [pub("user")]}},
    "targets": {"target": {"host": "127.0.0.1", "port": tport, "host_keys": [pub("target_host")],
                           "upstream_auth": {"method": "key", "key_file": f"{d}/upstream"}}},
    "rules": [{"name": "bench", "users": ["alice"], "targets": ["target"], "logins": [login],
               "allow": {"shell": True, "exec": True},
               "limits": {"max_sessions": 10000, "idle_timeout_seconds": 0}}],
}
config = {"listen": [f"127.0.0.1:{port}"], "workers": workers,
          "host_keys": [{"path": f"{d}/bastion_host", "generate": "ed25519"}],
          "log": {"file": f"{d}/events.jsonl"}, "policy": policy}
json.dump(config, open(f"{d}/bastion.json", "w"))
PY

# Starts the bastion (prefixed by "$@", e.g. valgrind); returns once its stdout says it
# listens (read through a FIFO, the rest of its output drained to bastion.out).
start_bastion() {
  local line
  rm -f "$dir/bastion.fifo"
  mkfifo "$dir/bastion.fifo"
  "$@" "$bastion" --config "$dir/bastion.json" > "$dir/bastion.fifo" 2> "$dir/bastion.err" &
  bastion_pid=$!
  exec 3< "$dir/bastion.fifo"
  while read -r -t 120 line <&3; do
    if [[ $line == *"listening on"* ]]; then
      cat <&3 > "$dir/bastion.out" &
      exec 3<&-
      return
    fi
  done
  cat "$dir/bastion.err" >&2
  exit 1
}
stop_bastion() {
  [[ -n $bastion_pid ]] || return 0
  kill "$bastion_pid"
  wait "$bastion_pid" 2>/dev/null || true
  bastion_pid=
}

start_bastion
{
  echo "[127.0.0.1]:$target_port $(cut -d' ' -f1,2 "$dir/target_host.pub")"
  echo "[127.0.0.1]:$bastion_port $(ssh-keygen -y -f "$dir/bastion_host" | cut -d' ' -f1,2)"
} > "$dir/known_hosts"
{
  bench_host target "$target_port" "$login"
  bench_host bastion "$bastion_port" alice
} > "$dir/ssh_config"
bench_client_defaults "$dir" >> "$dir/ssh_config"
hop() {
  local n=$1
  for _ in $(seq "$n"); do
    ssh -F "$dir/ssh_config" -J bastion target true < /dev/null > /dev/null
  done
}
hop 2  # warm up: page cache, the target, the bastion's first-use allocations

mkdir "$cg_root/bench-$$"
echo "$bastion_pid" > "$cg_root/bench-$$/cgroup.procs"
read -r u0 < "$cg_root/bench-$$/cpuacct.usage_user"
read -r s0 < "$cg_root/bench-$$/cpuacct.usage_sys"
hop "$sessions"
read -r u1 < "$cg_root/bench-$$/cpuacct.usage_user"
read -r s1 < "$cg_root/bench-$$/cpuacct.usage_sys"
echo "$bastion_pid" > "$cg_root/cgroup.procs"
awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v n="$sessions" 'BEGIN {
  printf "CPU per hopped session over %d sessions: %.2f ms user + %.2f ms system = %.2f ms\n",
         n, u / n / 1e6, s / n / 1e6, (u + s) / n / 1e6 }'

strace -c -f -q -p "$bastion_pid" -o "$dir/strace.txt" &
strace_pid=$!
for _ in $(seq 100); do grep -q TracerPid:.*[1-9] "/proc/$bastion_pid/status" && break; sleep 0.05; done
hop "$sessions"
kill -INT "$strace_pid"
wait "$strace_pid" 2>/dev/null || true
echo
echo "System calls per session (strace -c -f, $sessions sessions):"
awk -v n="$sessions" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {
    name = $NF; calls = $4; errors = (NF == 6 ? $5 : 0)
    total += calls
    printf "  %-16s %7.1f%s\n", name, calls / n, (errors > 0 ? sprintf("  (%.1f failed)", errors / n) : "")
  }
  END { printf "  %-16s %7.1f\n", "total", total / n }' "$dir/strace.txt" | sort -k2 -n -r | head -20

# Memory per idle session: a fresh bastion, $idle sessions held open (the remote end blocks
# reading a pipe nobody writes), then $idle more; the change in the bastion's private
# memory (USS: what the kernel charges it) between the two, divided by $idle. The slope
# between two loaded states leaves out what the allocator keeps or returns on its own.
uss_kib() { awk '/^Private_(Clean|Dirty):/ { u += $2 } END { print u + 0 }' "/proc/$bastion_pid/smaps_rollup"; }
holders=()
# Each held session's command (the target runs on this machine, as this user) announces
# itself with a line on this FIFO before it blocks; held open read-write here so that a
# writer never waits for a reader.
mkfifo "$dir/up.fifo"
exec 4<> "$dir/up.fifo"
hold_sessions() {  # count ssh arguments...: opens count more sessions, waits until all run
  local count=$1 i line
  shift
  for _ in $(seq "$count"); do
    "$@" "echo up > $dir/up.fifo; exec cat > /dev/null" < <(exec sleep 7777) > /dev/null 2>&1 &
    holders+=($!)
  done
  for ((i = 0; i < count; i++)); do
    read -r -t 120 line <&4 || { echo "only $i of $count sessions came up" >&2; exit 1; }
  done
}
release_sessions() {
  kill "${holders[@]}" 2>/dev/null || true
  pkill -f '^sleep 7777$' 2>/dev/null || true
  wait "${holders[@]}" 2>/dev/null || true
  holders=()
}
idle_per_session() {  # ssh arguments...; sets idle_kib
  local u1 u2
  stop_bastion
  start_bastion
  hold_sessions "$idle" "$@"
  u1=$(uss_kib)
  hold_sessions "$idle" "$@"
  u2=$(uss_kib)
  release_sessions
  idle_kib=$(awk -v a="$u1" -v b="$u2" -v n="$idle" 'BEGIN { printf "%.1f KiB", (b - a) / n }')
}
# With HEAPTRACK=1: where that memory is allocated. Two bastions under heaptrack, killed
# (-9, so that everything live counts as "leaked") with $idle and with 2 x $idle sessions
# open; the difference per session, by allocation site.
heap_per_session() {  # label, ssh arguments...
  local label=$1 n
  shift
  for n in 1 2; do
    stop_bastion
    start_bastion heaptrack -o "$dir/heap-$label-$n"
    hold_sessions $((n * idle)) "$@"
    kill -9 "$(pgrep -P "$bastion_pid" -x bastion)"  # the script's child: the bastion itself
    wait "$bastion_pid" 2>/dev/null || true  # heaptrack writes its file before it exits
    bastion_pid=
    release_sessions
  done
  echo "  $label mode, live bytes per session (heaptrack), by the innermost frame of ours:"
  for n in 1 2; do
    heaptrack_print -f "$dir/heap-$label-$n".* --flamegraph-cost-type leaked \
      -F "$dir/heap-$label-$n.stacks" > /dev/null 2>&1
  done
  python3 - "$dir/heap-$label-1.stacks" "$dir/heap-$label-2.stacks" "$idle" <<'PY'
import collections, re, sys
ours = re.compile(r"\b(sshlib|bastion)::")
name = lambda f: re.sub(r" \(.*\)$", "", f)[:90]
def by_site(path):
    sites = collections.Counter()
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        frames = [f for f in stack.rstrip(";").split(";") if f]
        mine = [i for i, f in enumerate(frames) if ours.search(f)]
        at = mine[-1] if mine else len(frames) - 1
        callee = name(frames[at + 1]) if at + 1 < len(frames) else ""
        sites[name(frames[at]) + ("  ->  " + callee if callee else "")] += int(count)
    return sites
one, two, n = by_site(sys.argv[1]), by_site(sys.argv[2]), int(sys.argv[3])
delta = {k: two[k] - one[k] for k in set(one) | set(two)}
print(f"    {sum(delta.values()) / n:8.0f} B  in all ({sum(one.values())} B live with {n} sessions)")
for site, b in sorted(delta.items(), key=lambda kv: -kv[1])[:25]:
    if b / n >= 16:
        print(f"    {b / n:8.0f} B  {site[:170]}")
PY
}
if [[ $idle -gt 0 ]]; then
  echo
  echo "Private memory (USS) per idle session, from $idle to $((2 * idle)) sessions held open:"
  if [[ ${HEAPTRACK:-} != only ]]; then
    idle_per_session ssh -F "$dir/ssh_config" -J bastion target
    echo "  hop mode:         $idle_kib"
    idle_per_session ssh -F "$dir/ssh_config" -l alice+target bastion
    echo "  terminating mode: $idle_kib"
  fi
  if [[ -n ${HEAPTRACK:-} ]]; then
    heap_per_session hop ssh -F "$dir/ssh_config" -J bastion target
    heap_per_session terminating ssh -F "$dir/ssh_config" -l alice+target bastion
  fi
fi

[[ $cg_sessions -gt 0 ]] || exit 0
stop_bastion
start_bastion valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
  --instr-atstart=no
# Collect only while the sessions run: callgrind's control tool switches collection on.
callgrind_control -i on "$bastion_pid" > /dev/null 2>&1
hop "$cg_sessions"
callgrind_control -i off "$bastion_pid" > /dev/null 2>&1
stop_bastion
echo
total=$(callgrind_annotate "$dir/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
awk -v t="$total" -v n="$cg_sessions" 'BEGIN {
  printf "User-space instructions per session (callgrind, %d sessions): %.2f million\n", n, t / n / 1e6 }'
echo "Functions by inclusive instructions per session (millions):"
callgrind_annotate --inclusive=yes "$dir/callgrind.out" 2>/dev/null |
  awk -v n="$cg_sessions" '/^ *[0-9,]+ +\(/ || /^ *[0-9,]+  / {
      v = $1; gsub(",", "", v); $1 = ""; if ($1 == "" && $2 ~ /^\(/) $2 = ""
      printf "  %6.2f %s\n", v / n / 1e6, substr($0, 1, 150) }' | sed -n 2,40p
