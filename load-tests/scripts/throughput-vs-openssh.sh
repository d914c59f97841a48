#!/usr/bin/env bash
# Bulk transfer through SSH over loopback: OpenSSH's ssh and our sshlib-exec, each pushing
# and pulling the same number of bytes through the same sshd (started here on a free port,
# as root, with its own config), per AEAD cipher; and `openssl speed -evp` for that AEAD in
# the same run. With the path of sshlib-sshd, the same two clients also run against it
# (our server), so every client/server pairing is in one run. Prints a markdown table.
#
# Usage: throughput-vs-openssh.sh <path to sshlib-exec> [MiB per transfer, default 1024]
#                                 [path to sshlib-sshd]
set -euo pipefail

exec_bin=${1:?usage: $0 <sshlib-exec binary> [MiB]}
mib=${2:-1024}
sshd_bin=${3:-}
[[ -x $exec_bin ]] || { echo "not executable: $exec_bin" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "needs root to run sshd" >&2; exit 1; }

dir=$(mktemp -d)
ours_pid=
trap 'kill "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null || true; [[ -n $ours_pid ]] && kill "$ours_pid" 2>/dev/null; rm -rf "$dir"' EXIT
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$dir/host"
ssh-keygen -q -t ed25519 -N '' -f "$dir/user"
cp "$dir/user.pub" "$dir/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/sshd_config" <<CFG
HostKey $dir/host
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/pid
ListenAddress 127.0.0.1:$port
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com
AcceptEnv SHLVL
CFG
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/log"
for _ in $(seq 50); do [[ -s $dir/pid ]] && break; sleep 0.1; done
echo "[127.0.0.1]:$port $(cat "$dir/host.pub")" > "$dir/known_hosts"
servers=("sshd:$port")
if [[ -n $sshd_bin ]]; then
  ours_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$sshd_bin" --listen 127.0.0.1 --port "$ours_port" --host-key "$dir/host" --authorized-keys "$dir/authorized_keys" \
    --allow-env SHLVL > "$dir/ours.log" 2>&1 &
  ours_pid=$!
  for _ in $(seq 100); do grep -q listening "$dir/ours.log" 2>/dev/null && break; sleep 0.1; done
  echo "[127.0.0.1]:$ours_port $(cat "$dir/host.pub")" >> "$dir/known_hosts"
  servers+=("sshlib-sshd:$ours_port")
fi
# Bash sources ~/.bashrc for commands sshd runs (Debian's SSH_SOURCE_BASHRC) unless SHLVL says
# it is nested: every client sends SHLVL=5 (both servers accept it), so a heavy .bashrc (this
# machine's runs pyenv, which serialises concurrent logins on a lock) stays out of the figures.
bytes=$((mib * 1024 * 1024))

seconds() {  # seconds <command...>: wall time of a pipeline given as one string
  local start end
  start=$(date +%s.%N)
  bash -c "$1" || { echo "failed: $1" >&2; return 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
rate() { awk -v s="$1" -v m="$mib" 'BEGIN { printf "%.0f", m / s }'; }

echo "| server | cipher | direction | OpenSSH ssh MiB/s | sshlib MiB/s | sshlib/ssh | openssl speed MiB/s | sshlib/openssl |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
for server in "${servers[@]}"; do
  name=${server%%:*}; p=${server##*:}
  ssh_opts=(-F /dev/null -p "$p" -i "$dir/user" -o IdentitiesOnly=yes -o BatchMode=yes
            -o UserKnownHostsFile="$dir/known_hosts" -o Compression=no -o SetEnv=SHLVL=5)
  ours_opts=(-p "$p" -i "$dir/user" --host-key "$dir/host.pub" --env SHLVL=5)
  for cipher in aes128-gcm@openssh.com chacha20-poly1305@openssh.com; do
    evp=${cipher%%@*}; evp=${evp/aes128-gcm/aes-128-gcm}
    ossl=$(openssl speed -mr -seconds 2 -bytes 16384 -evp "$evp" 2>/dev/null | awk -F: '/^\+F:/ { printf "%.0f", $4 / 1048576; exit }')
    up_ssh=$(seconds "head -c $bytes /dev/zero | ssh ${ssh_opts[*]} -c $cipher root@127.0.0.1 'cat > /dev/null'")
    up_ours=$(seconds "head -c $bytes /dev/zero | $exec_bin ${ours_opts[*]} -c $cipher root@127.0.0.1 'cat > /dev/null' 2>/dev/null")
    down_ssh=$(seconds "ssh ${ssh_opts[*]} -c $cipher root@127.0.0.1 'head -c $bytes /dev/zero' > /dev/null")
    down_ours=$(seconds "$exec_bin ${ours_opts[*]} -c $cipher root@127.0.0.1 'head -c $bytes /dev/zero' 2>/dev/null > /dev/null")
    for dir_name in up down; do
      if [[ $dir_name == up ]]; then a=$up_ssh; b=$up_ours; else a=$down_ssh; b=$down_ours; fi
      printf '| %s | %s | %s | %s | %s | %.2f | %s | %.2f |\n' "$name" "$cipher" "$dir_name" "$(rate "$a")" "$(rate "$b")" \
        "$(awk -v x="$a" -v y="$b" 'BEGIN { print x / y }')" "$ossl" \
        "$(awk -v r="$(rate "$b")" -v o="$ossl" 'BEGIN { print r / o }')"
    done
  done
done
echo
echo "$mib MiB per transfer; OpenSSH $(ssh -V 2>&1 | cut -d, -f1); OpenSSL $(openssl version | cut -d' ' -f2); $(nproc) CPUs; each server serves both clients."
