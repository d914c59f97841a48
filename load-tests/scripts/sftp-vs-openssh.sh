#!/usr/bin/env bash
# SFTP upload and download of one file over loopback, OpenSSH's `sftp` against sshlib's
# sftp_client (fast_put / fast_get), in the same run and against the same server: Debian's
# sshd with OpenSSH's sftp-server as its sftp subsystem, started here on a free port. Both
# clients use their defaults: 64 requests in flight of 32 KiB each. Every copy is checked
# against the original's SHA-256. Prints a markdown table, one row per round. When
# sshlib-sshd is built, a second table: OpenSSH's `sftp` against sshd + sftp-server and
# against sshlib-sshd --sftp-root (our transport and SFTP server), same rounds.
#
# Usage: sftp-vs-openssh.sh <build dir, e.g. build/release> [MiB, default 1024] [rounds, default 3]
set -euo pipefail

build=${1:?usage: $0 <build dir> [MiB] [rounds]}
mib=${2:-1024}
rounds=${3:-3}
load="$build/load-tests/sftp_transfer_load"
[[ -x $load ]] || { echo "not built: $load" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "needs root to run sshd" >&2; exit 1; }
cipher=aes128-gcm@openssh.com

dir=$(mktemp -d)
ours_pid=
cleanup() {
  [[ -n $ours_pid ]] && kill "$ours_pid" 2>/dev/null || true
  [[ -s $dir/sshd.pid ]] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p /run/sshd "$dir/remote"
ssh-keygen -q -t ed25519 -N '' -f "$dir/host"
ssh-keygen -q -t ed25519 -N '' -f "$dir/user"
cp "$dir/user.pub" "$dir/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/sshd_config" <<CFG
HostKey $dir/host
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
ListenAddress 127.0.0.1:$port
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel ERROR
CFG
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
for _ in $(seq 100); do [[ -s $dir/sshd.pid ]] && break; sleep 0.1; done
echo "[127.0.0.1]:$port $(cat "$dir/host.pub")" > "$dir/known_hosts"

head -c $((mib * 1024 * 1024)) /dev/urandom > "$dir/file"
want=$(sha256sum < "$dir/file" | cut -d' ' -f1)
check() { [[ $(sha256sum < "$1" | cut -d' ' -f1) == "$want" ]] || { echo "checksum differs: $1" >&2; exit 1; }; }
now() { date +%s.%N; }
rate() { awk -v a="$1" -v b="$2" -v m="$mib" 'BEGIN { printf "%.0f", m / (b - a) }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", (x > 0 ? y / x : 0) }'; }
sftp_opts=(-q -F /dev/null -P "$port" -i "$dir/user" -o IdentitiesOnly=yes -o BatchMode=yes -c "$cipher"
           -o UserKnownHostsFile="$dir/known_hosts" -o Compression=no)

ours="$build/sshlib/examples/sshlib-sshd"
ours_port=
if [[ -x $ours ]]; then
  mkdir -p "$dir/ours-root"
  ours_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # Ready when its first stdout line says where it listens.
  mkfifo "$dir/ours.out"
  "$ours" --listen 127.0.0.1 --port "$ours_port" --host-key "$dir/host" --authorized-keys "$dir/authorized_keys" \
    --sftp-root "$dir/ours-root" > "$dir/ours.out" 2> "$dir/ours.log" &
  ours_pid=$!
  exec 3< "$dir/ours.out"
  read -r -t 30 first_line <&3 || { echo "sshlib-sshd did not start: $(cat "$dir/ours.log")" >&2; exit 1; }
  [[ $first_line == "listening on 127.0.0.1:$ours_port" ]] || { echo "sshlib-sshd: $first_line" >&2; exit 1; }
  echo "[127.0.0.1]:$ours_port $(cat "$dir/host.pub")" >> "$dir/known_hosts"
fi
server_rows=()
ours_opts=(-q -F /dev/null -P "${ours_port:-0}" -i "$dir/user" -o IdentitiesOnly=yes -o BatchMode=yes -c "$cipher"
           -o UserKnownHostsFile="$dir/known_hosts" -o Compression=no)

echo "| round | OpenSSH put MiB/s | sshlib fast_put MiB/s | put ratio | OpenSSH get MiB/s | sshlib fast_get MiB/s | get ratio |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in $(seq "$rounds"); do
  rm -f "$dir/remote/"* "$dir/back"
  t0=$(now); echo "put $dir/file $dir/remote/openssh" | sftp "${sftp_opts[@]}" -b - root@127.0.0.1 >/dev/null; t1=$(now)
  echo "get $dir/remote/openssh $dir/back" | sftp "${sftp_opts[@]}" -b - root@127.0.0.1 >/dev/null; t2=$(now)
  check "$dir/remote/openssh"; check "$dir/back"
  ssh_put=$(rate "$t0" "$t1"); ssh_get=$(rate "$t1" "$t2")
  rm -f "$dir/back"
  out=$("$load" --port "$port" --key "$dir/user" --local "$dir/file" --remote "$dir/remote/ours" --back "$dir/back" \
    --cipher "$cipher")
  check "$dir/remote/ours"; check "$dir/back"
  our_put=$(awk '{ printf "%.0f", $3 }' <<< "$out"); our_get=$(awk '{ printf "%.0f", $6 }' <<< "$out")
  echo "| $r | $ssh_put | $our_put | $(ratio "$ssh_put" "$our_put") | $ssh_get | $our_get | $(ratio "$ssh_get" "$our_get") |"
  if [[ -n $ours_port ]]; then
    rm -f "$dir/ours-root/"* "$dir/back"
    t0=$(now); echo "put $dir/file /f" | sftp "${ours_opts[@]}" -b - root@127.0.0.1 >/dev/null; t1=$(now)
    echo "get /f $dir/back" | sftp "${ours_opts[@]}" -b - root@127.0.0.1 >/dev/null; t2=$(now)
    check "$dir/ours-root/f"; check "$dir/back"
    server_rows+=("| $r | $ssh_put | $(rate "$t0" "$t1") | $(ratio "$ssh_put" "$(rate "$t0" "$t1")") | $ssh_get | $(rate "$t1" "$t2") | $(ratio "$ssh_get" "$(rate "$t1" "$t2")") |")
  fi
done
if [[ -n $ours_port ]]; then
  echo
  echo "| round | sftp to sshd put MiB/s | sftp to sshlib-sshd put MiB/s | put ratio | sftp to sshd get MiB/s | sftp to sshlib-sshd get MiB/s | get ratio |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${server_rows[@]}"
fi
echo
echo "$mib MiB file, $cipher, sshd with /usr/lib/openssh/sftp-server; $(ssh -V 2>&1 | cut -d, -f1); $(nproc) CPUs shared by client and server; SHA-256 of every copy checked."
