#!/usr/bin/env bash
# The main job until the bastion exists: a short, real demonstration of sshlib's key layer
# against OpenSSH's own tool. Run after `cmake --workflow --preset release`.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=build/release/sshlib/examples/sshlib-keytool
[ -x "$tool" ] || { echo "demo: $tool not built; run: cmake --workflow --preset release" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
echo "demo: OK"
