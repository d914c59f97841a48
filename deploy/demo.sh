#!/usr/bin/env bash
# The main job until the bastion exists: a short, real demonstration of sshlib against
# OpenSSH's own tools: its key layer with ssh-keygen, and its client running a command on a
# real sshd (started here on a free loopback port, when run as root). Run after
# `cmake --workflow --preset release`.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=build/release/sshlib/examples/sshlib-keytool
[ -x "$tool" ] || { echo "demo: $tool not built; run: cmake --workflow --preset release" >&2; exit 1; }

exec_tool=build/release/sshlib/examples/sshlib-exec
work=$(mktemp -d)
trap 'kill "$(cat "$work/sshd.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "sshlib generates an Ed25519 key protected by a passphrase"
"$tool" generate --type ed25519 --comment demo@sshlib --passphrase 'correct horse' -o "$work/id_demo"

step "OpenSSH's ssh-keygen opens the key sshlib wrote"
ssh-keygen -y -P 'correct horse' -f "$work/id_demo" | tee "$work/from-openssh.pub"

step "ssh-keygen makes an ECDSA P-384 key; sshlib reads it"
ssh-keygen -q -t ecdsa -b 384 -N '' -C made-by-openssh -f "$work/id_ecdsa"
"$tool" show "$work/id_ecdsa"

step "fingerprints agree"
ours=$("$tool" show "$work/id_ecdsa" | awk '/^fingerprint: / {print $2}')
theirs=$(ssh-keygen -lf "$work/id_ecdsa.pub" | awk '{print $2}')
echo "sshlib:     $ours"
echo "ssh-keygen: $theirs"
[ "$ours" = "$theirs" ] || { echo "demo: fingerprints differ" >&2; exit 1; }

step "a wrong passphrase is refused with a precise error"
if "$tool" show "$work/id_demo" --passphrase wrong; then
  echo "demo: wrong passphrase accepted" >&2; exit 1
fi

if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ] && [ -x "$exec_tool" ]; then
  step "sshlib's client runs a command on OpenSSH's sshd (host key pinned, key authentication)"
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$work/host"
  "$tool" generate --type ed25519 --comment demo-user -o "$work/user" >/dev/null
  ssh-keygen -y -f "$work/user" > "$work/authorized_keys"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/sshd_config" <<CFG
HostKey $work/host
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
ListenAddress 127.0.0.1:$port
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
CFG
  /usr/sbin/sshd -f "$work/sshd_config" -E "$work/sshd.log"
  for _ in $(seq 50); do [ -s "$work/sshd.pid" ] && break; sleep 0.1; done
  out=$(echo "hello from stdin" | "$exec_tool" -p "$port" -i "$work/user" --host-key "$work/host.pub" \
        "root@127.0.0.1" 'echo "sshd says: $(cat) on $(uname -s)"; exit 3') && status=0 || status=$?
  echo "$out"
  echo "exit status: $status"
  [ "$status" = 3 ] && [ "$out" = "sshd says: hello from stdin on Linux" ] || { echo "demo: exec failed" >&2; cat "$work/sshd.log" >&2; exit 1; }
else
  step "skipping the sshd part: it needs root and /usr/sbin/sshd"
fi
echo "demo: OK"
