#!/usr/bin/env bash
# Many simultaneous SSH connections: OpenSSH's sshd and our sshlib-sshd, each started here on
# a free loopback port (as root, with its own config), receive the same load from
# ssh_connect_load (N connections, C handshakes in flight, a session channel each, then all
# held open at once). Prints connection rate, latency, and the server's memory (PSS, summed
# over sshd's per-connection processes) for the N held connections, as a markdown table.
#
# Usage: connections-vs-openssh.sh <build dir, e.g. build/release> [N, default 500] [C, default 8]
# OPENSSH=0 in the environment skips sshd (two processes per connection: at 10,000
# connections that is 20,000 processes).
set -euo pipefail

build=${1:?usage: $0 <build dir> [connections] [concurrency]}
n=${2:-500}
conc=${3:-8}
load="$build/load-tests/ssh_connect_load"
ours="$build/sshlib/examples/sshlib-sshd"
for b in "$load" "$ours"; do [[ -x $b ]] || { echo "not built: $b" >&2; exit 1; }; done
[[ $(id -u) == 0 ]] || { echo "needs root to run sshd" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"  # as many descriptors as we may have

dir=$(mktemp -d)
ours_pid=
cleanup() {
  [[ -n $ours_pid ]] && kill "$ours_pid" 2>/dev/null || true
  [[ -s $dir/sshd.pid ]] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$dir/host"
ssh-keygen -q -t ed25519 -N '' -f "$dir/user"
cp "$dir/user.pub" "$dir/authorized_keys"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sshd_port=$(free_port)
cat > "$dir/sshd_config" <<CFG
HostKey $dir/host
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
ListenAddress 127.0.0.1:$sshd_port
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
MaxStartups $((conc * 4)):30:$((conc * 8))
LogLevel ERROR
CFG
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
for _ in $(seq 100); do [[ -s $dir/sshd.pid ]] && break; sleep 0.1; done

ours_port=$(free_port)
"$ours" --listen 127.0.0.1 --port "$ours_port" --host-key "$dir/host" --authorized-keys "$dir/authorized_keys" \
  --max-connections $((n + 100)) --threads 1 > "$dir/ours.log" 2>&1 &
ours_pid=$!
for _ in $(seq 100); do grep -q listening "$dir/ours.log" 2>/dev/null && break; sleep 0.1; done

# PSS in KiB of a process and all its descendants.
tree_pss() {
  local root=$1 pids
  pids=$(ps -e -o pid=,ppid= | awk -v r="$root" '
    { parent[$1] = $2 } END { for (p in parent) { q = p; while (q != "" && q != 0 && q != r) q = parent[q]; if (q == r) print p } }')
  local total=0 p v
  for p in $pids; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# run <name> <port> <root pid>: one load run; prints a table row.
run() {
  local name=$1 port=$2 root=$3 before after line
  before=$(tree_pss "$root")
  rm -f "$dir/hold"
  "$load" --port "$port" --key "$dir/user" --connections "$n" --concurrency "$conc" --hold-file "$dir/hold" \
    > "$dir/load.out" 2>&1 &
  local load_pid=$!
  for _ in $(seq 6000); do [[ -e $dir/hold ]] && break; kill -0 "$load_pid" 2>/dev/null || break; sleep 0.1; done
  after=$(tree_pss "$root")
  rm -f "$dir/hold"
  wait "$load_pid" || true
  line=$(cat "$dir/load.out")
  # "connections K of N in S s: R/s; latency ms p50 A p99 B; failed F"
  awk -v name="$name" -v before="$before" -v after="$after" -v line="$line" 'BEGIN {
    split(line, w, " ");
    held = w[2]; rate = w[8]; sub(/\/s;/, "", rate); p50 = w[12]; p99 = w[14]; failed = w[16]; sub(/;/, "", p99);
    mem = (after - before) / 1024; per = held > 0 ? (after - before) / held : 0;
    printf "| %s | %d | %.0f | %.1f | %.1f | %.1f | %.0f | %s |\n", name, held, rate, p50, p99, mem, per, failed }'
}

echo "| server | connections held | connections/s | p50 ms | p99 ms | memory for them MiB (PSS) | KiB per connection | failed |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
if [[ ${OPENSSH:-1} != 0 ]]; then run "OpenSSH sshd" "$sshd_port" "$(cat "$dir/sshd.pid")"; fi
run "sshlib-sshd (1 thread)" "$ours_port" "$ours_pid"
echo
echo "$n connections, $conc handshakes in flight, curve25519-sha256 + ssh-ed25519 + publickey ed25519, one session channel each; OpenSSH $(ssh -V 2>&1 | cut -d, -f1); $(nproc) CPUs; the load generator (sshlib's client, one thread) shares the machine."
