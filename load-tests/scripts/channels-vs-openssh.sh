#!/usr/bin/env bash
# One SSH connection carrying 1 or K channels at once, OpenSSH against sshlib in the same
# run. OpenSSH's side: `ssh -M` (ControlMaster) opens the connection and K `ssh -S` clients
# multiplex their sessions over it. Our side: ssh_channels_load opens K exec channels on one
# sshlib client. Each direction moves TOTAL MiB in all (TOTAL/K per channel): down runs
# `head -c` on the server, up feeds `cat > /dev/null`. Both servers, OpenSSH's sshd and our
# sshlib-sshd, are started here on free loopback ports. Prints a markdown table.
#
# Usage: channels-vs-openssh.sh <build dir, e.g. build/release> [TOTAL MiB, default 1024] [K, default 64]
set -euo pipefail

build=${1:?usage: $0 <build dir> [total MiB] [channels]}
total=${2:-1024}
k=${3:-64}
load="$build/load-tests/ssh_channels_load"
ours="$build/sshlib/examples/sshlib-sshd"
for b in "$load" "$ours"; do [[ -x $b ]] || { echo "not built: $b" >&2; exit 1; }; done
[[ $(id -u) == 0 ]] || { echo "needs root to run sshd" >&2; exit 1; }
cipher=aes128-gcm@openssh.com
# Bash sources ~/.bashrc for commands sshd runs (Debian's SSH_SOURCE_BASHRC) unless SHLVL says
# it is nested: every client sends SHLVL=5 (both servers accept it), so a heavy .bashrc (this
# machine's runs pyenv, which serialises concurrent logins on a lock) stays out of the figures.

dir=$(mktemp -d)
ours_pid=
cleanup() {
  ssh -S "$dir/ctl" -O exit x 2>/dev/null || true
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
MaxSessions $((k + 1))
AcceptEnv SHLVL
LogLevel ERROR
CFG
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
for _ in $(seq 100); do [[ -s $dir/sshd.pid ]] && break; sleep 0.1; done
ours_port=$(free_port)
"$ours" --listen 127.0.0.1 --port "$ours_port" --host-key "$dir/host" --authorized-keys "$dir/authorized_keys" \
  --max-sessions $((k + 1)) --allow-env SHLVL > "$dir/ours.log" 2>&1 &
ours_pid=$!
for _ in $(seq 100); do grep -q listening "$dir/ours.log" 2>/dev/null && break; sleep 0.1; done
{
  echo "[127.0.0.1]:$sshd_port $(cat "$dir/host.pub")"
  echo "[127.0.0.1]:$ours_port $(cat "$dir/host.pub")"
} > "$dir/known_hosts"

now() { date +%s.%N; }
# openssh <port> <channels> <direction>: MiB/s of K multiplexed ssh sessions.
openssh() {
  local port=$1 n=$2 direction=$3 each start end i
  each=$(( total * 1024 * 1024 / n ))
  local opts=(-F /dev/null -p "$port" -i "$dir/user" -o IdentitiesOnly=yes -o BatchMode=yes -c "$cipher"
              -o UserKnownHostsFile="$dir/known_hosts" -o Compression=no -S "$dir/ctl" -o SetEnv=SHLVL=5)
  ssh "${opts[@]}" -o ControlMaster=yes -N -f root@127.0.0.1
  start=$(now)
  for i in $(seq "$n"); do
    if [[ $direction == down ]]; then
      ssh "${opts[@]}" root@127.0.0.1 "head -c $each /dev/zero" > /dev/null &
    else
      head -c "$each" /dev/zero | ssh "${opts[@]}" root@127.0.0.1 'cat > /dev/null' &
    fi
  done
  wait
  end=$(now)
  ssh -S "$dir/ctl" -O exit x 2>/dev/null || true
  awk -v a="$start" -v b="$end" -v m="$(( each * n / 1048576 ))" 'BEGIN { printf "%.0f", m / (b - a) }'
}
# ours <port> <channels> <direction>: MiB/s of K channels on one sshlib client.
ours_rate() {
  local port=$1 n=$2 direction=$3
  "$load" --port "$port" --key "$dir/user" --channels "$n" --mib $(( total / n )) --direction "$direction" \
    --cipher "$cipher" | awk '{ for (i = 1; i <= NF; i++) if ($i == "MiB/s") printf "%.0f", $(i + 1) }'
}

echo "| server | channels | direction | OpenSSH ssh (ControlMaster) MiB/s | sshlib client MiB/s | sshlib/ssh |"
echo "| --- | ---: | --- | ---: | ---: | ---: |"
for server in "sshd:$sshd_port" "sshlib-sshd:$ours_port"; do
  name=${server%%:*}; port=${server##*:}
  for n in 1 "$k"; do
    for direction in down up; do
      a=$(openssh "$port" "$n" "$direction")
      b=$(ours_rate "$port" "$n" "$direction")
      printf '| %s | %s | %s | %s | %s | %.2f |\n' "$name" "$n" "$direction" "$a" "$b" \
        "$(awk -v x="$a" -v y="$b" 'BEGIN { print (x > 0 ? y / x : 0) }')"
    done
  done
done
echo
echo "$total MiB per run in all, $cipher; OpenSSH $(ssh -V 2>&1 | cut -d, -f1); $(nproc) CPUs; the client, the server and the commands share the machine."
