# Shared by the bastion's benchmark scripts (sourced, not run): the checks every one of them
# makes, a free loopback port, and a target sshd of the scripts' shape.
#
# bench_require BUILD_DIR     sets $bastion and $cg_root; exits unless the daemon is built,
#                             we are root (sshd, cgroups) and cgroup v1 cpuacct is there
# free_port                   prints a loopback port nobody listens on now
# bench_host NAME PORT USER    prints an ssh_config `Host NAME` block for 127.0.0.1:PORT
# bench_client_defaults DIR   prints the `Host *` block of the scripts' OpenSSH client: DIR/user
#                             as identity, DIR/known_hosts, curve25519-sha256, aes128-gcm
# start_target_sshd DIR PORT [LINE...]
#                             Debian's sshd on 127.0.0.1:PORT with DIR/target_host as host key,
#                             DIR/authorized_keys, its pid in DIR/target.pid; extra sshd_config
#                             LINEs appended. HOME is set to DIR so the account's ~/.bashrc
#                             stays out of timed commands.

bench_require() {
  bastion=$1/proxy/bastion
  [[ -x $bastion ]] || { echo "not built: $bastion" >&2; exit 1; }
  [[ $(id -u) == 0 ]] || { echo "needs root to run sshd and make cgroups" >&2; exit 1; }
  cg_root=/sys/fs/cgroup/cpuacct
  [[ -w $cg_root ]] || { echo "needs cgroup v1 cpuacct at $cg_root" >&2; exit 1; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_target_sshd() {
  local d=$1 port=$2
  shift 2
  mkdir -p /run/sshd
  {
    echo "HostKey $d/target_host"
    echo "AuthorizedKeysFile $d/authorized_keys"
    echo "PidFile $d/target.pid"
    echo "ListenAddress 127.0.0.1:$port"
    echo "UsePAM no"
    echo "StrictModes no"
    echo "PermitRootLogin yes"
    echo "PasswordAuthentication no"
    echo "SetEnv HOME=$d"
    echo "LogLevel ERROR"
    printf '%s\n' "$@"
  } > "$d/target.conf"
  /usr/sbin/sshd -f "$d/target.conf" -E "$d/target.log"
  for _ in $(seq 100); do [[ -s $d/target.pid ]] && break; sleep 0.1; done
}

bench_client_defaults() {
  cat <<CFG
Host *
  IdentityFile $1/user
  IdentitiesOnly yes
  UserKnownHostsFile $1/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  KexAlgorithms curve25519-sha256
  Ciphers aes128-gcm@openssh.com
  Compression no
  ControlMaster no
  LogLevel ERROR
CFG
}

bench_host() {
  printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User %s\n' "$1" "$2" "$3"
}
