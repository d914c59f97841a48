#!/usr/bin/env bash
# The main job: the bastion on 127.0.0.1:2222 with an example policy, in front of a demo
# target (sshlib-sshd, the small sshlib server, on a free loopback port). The script makes
# the keys, writes the configuration, starts both, proves both ways of reaching the target
# work (hop mode with ssh -J, terminating mode with ssh alice+demo@bastion), prints the
# commands to try them yourself and the event log's path, then keeps the bastion in the
# foreground until Ctrl-C. Run after `cmake --workflow --preset release`.
#
# Environment: BASTION_DEMO_DIR (default /tmp/bastion-demo, recreated), BASTION_DEMO_PORT
# (default 2222), BASTION_DEMO_METRICS_PORT (default 9273: /metrics, /healthz, /readyz on
# loopback), BASTION_DEMO_ONESHOT=1 to stop after the checks (for scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
bastion=$build/proxy/bastion
target_server=$build/sshlib/examples/sshlib-sshd
for b in "$bastion" "$target_server"; do
  [ -x "$b" ] || { echo "demo: $b not built; run: cmake --workflow --preset release" >&2; exit 1; }
done

dir=${BASTION_DEMO_DIR:-/tmp/bastion-demo}
port=${BASTION_DEMO_PORT:-2222}
metrics_port=${BASTION_DEMO_METRICS_PORT:-9273}
rm -rf "$dir"
mkdir -p "$dir"
chmod 700 "$dir"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "keys: alice's (the user), the bastion's own for logging in to the target"
ssh-keygen -q -t ed25519 -N '' -C alice@demo -f "$dir/alice_ed25519"
ssh-keygen -q -t ed25519 -N '' -C bastion-upstream -f "$dir/bastion_upstream_ed25519"
# The target lets in the bastion's key (terminating mode) and alice's (hop mode: her own
# ssh logs in to the target end to end).
cat "$dir/bastion_upstream_ed25519.pub" "$dir/alice_ed25519.pub" > "$dir/target_authorized_keys"

step "the demo target: sshlib-sshd on a free loopback port"
"$target_server" --listen 127.0.0.1 --port 0 --generate-host-key "$dir/target_host_ed25519" \
  --authorized-keys "$dir/target_authorized_keys" --sftp-root "$dir" > "$dir/target.out" 2> "$dir/target.log" &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$dir/target.out" 2>/dev/null && break; sleep 0.1; done
target_port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$dir/target.out" | head -1)
[ -n "$target_port" ] || { echo "demo: the target did not start:" >&2; cat "$dir/target.log" >&2; exit 1; }
target_key=$(ssh-keygen -y -f "$dir/target_host_ed25519")
login=$(id -un)
echo "target listening on 127.0.0.1:$target_port (logins as $login)"

step "the bastion's configuration and policy: $dir/bastion.json"
python3 - "$dir" "$port" "$target_port" "$target_key" "$login" "$metrics_port" <<'PY'
import json, sys
d, port, tport, tkey, login = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
metrics_port = sys.argv[6]
alice = open(f"{d}/alice_ed25519.pub").read().strip()
policy = {
    "users": {"alice": {"groups": ["demo"], "public_keys": [alice]}},
    "targets": {
        "demo": {
            "host": "127.0.0.1", "port": tport, "host_keys": [tkey],
            "upstream_auth": {"method": "key", "key_file": f"{d}/bastion_upstream_ed25519"},
        }
    },
    "rules": [{
        "name": "demo-users-to-demo",
        "groups": ["demo"], "targets": ["demo"], "logins": [login],
        "source_networks": ["127.0.0.0/8", "::1/128"],
        "allow": {"shell": True, "exec": True, "pty": True, "subsystems": ["sftp"]},
    }],
}
config = {
    "listen": [f"127.0.0.1:{port}"],
    "host_keys": [{"path": f"{d}/bastion_host_ed25519", "generate": "ed25519"}],
    "log": {"file": f"{d}/events.jsonl"},
    "metrics": {"listen": f"127.0.0.1:{metrics_port}"},
    "recording": {"directory": f"{d}/recordings"},
    "policy": policy,
}
json.dump(config, open(f"{d}/bastion.json", "w"), indent=2)
ssh_config = f"""Host bastion
  HostName 127.0.0.1
  Port {port}
Host demo-target
  HostName 127.0.0.1
  Port {tport}
  User {login}
Host *
  IdentityFile {d}/alice_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile {d}/known_hosts
  StrictHostKeyChecking accept-new
"""
open(f"{d}/ssh_config", "w").write(ssh_config)
PY
"$bastion" --check-config "$dir/bastion.json"

step "the bastion on 127.0.0.1:$port"
"$bastion" --config "$dir/bastion.json" > "$dir/bastion.out" 2> "$dir/bastion.err" &
bastion_pid=$!
pids+=($bastion_pid)
for _ in $(seq 100); do grep -q 'listening on' "$dir/bastion.out" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$dir/bastion.out" || { echo "demo: the bastion did not start:" >&2; cat "$dir/bastion.err" >&2; exit 1; }
cat "$dir/bastion.out"

ssh_demo=(ssh -F "$dir/ssh_config" -o BatchMode=yes)
step "hop mode: ssh -J alice@bastion demo-target (end-to-end encrypted to the target)"
"${ssh_demo[@]}" -J alice@bastion demo-target 'echo "hello from $(hostname) via the bastion (hop mode)"'
step "terminating mode: ssh alice+demo@bastion (the bastion logs in to the target for alice)"
"${ssh_demo[@]}" alice+demo@bastion 'echo "hello from $(hostname) through the bastion (terminating mode)"'
step "a login without a target gets the menu"
"${ssh_demo[@]}" alice@bastion
step "recordings: the terminating-mode session was recorded (hop mode stays end-to-end encrypted: audit events only)"
"$bastion" recordings --config "$dir/bastion.json" list
first=$(ls "$dir/recordings" | head -1)
echo "replaying $first:"
"$bastion" recordings --config "$dir/bastion.json" play "$first" --instant
step "metrics: curl http://127.0.0.1:$metrics_port/metrics (sessions so far)"
curl -sS "http://127.0.0.1:$metrics_port/metrics" |
  grep -E '^bastion_(channels_opened_total|auth_attempts_total)' | grep -v ' 0$'

cat <<TXT

== try it yourself (the bastion keeps running until Ctrl-C)
  ssh -F $dir/ssh_config -J alice@bastion demo-target            # hop mode
  ssh -F $dir/ssh_config alice+demo@bastion                      # terminating mode, a shell
  sftp -F $dir/ssh_config alice+demo@bastion                     # sftp through the bastion
  ssh -F $dir/ssh_config alice@bastion                           # the menu
  tail -f $dir/events.jsonl                                      # the event log (JSON lines)
  $bastion recordings --config $dir/bastion.json list           # recorded sessions
  $bastion recordings --config $dir/bastion.json play NAME      # replay one (--speed 2)
  $bastion recordings --config $dir/bastion.json follow NAME    # watch a live one
  curl http://127.0.0.1:$metrics_port/metrics                    # Prometheus metrics
TXT
if [ "${BASTION_DEMO_ONESHOT:-0}" = 1 ]; then exit 0; fi
wait "$bastion_pid"
