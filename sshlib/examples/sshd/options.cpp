// sshlib-sshd's command line parser.
#include "options.hpp"

#include <iostream>
#include <stdexcept>

namespace sshd {
namespace {

unsigned parse_count(const std::string& flag, const std::string& v, unsigned lo, unsigned hi) {
  std::size_t used = 0;
  const unsigned long n = std::stoul(v, &used);
  if (used != v.size() || n < lo || n > hi) {
    throw std::invalid_argument(flag + " takes a number from " + std::to_string(lo) + " to " +
                                std::to_string(hi));
  }
  return static_cast<unsigned>(n);
}

// The flags without a value: where each one's setting lives.
bool* switch_flag(options& o, const std::string& a) {
  if (a == "--verbose") return &o.verbose;
  if (a == "--no-tcp-forwarding") return &o.forwarding.tcp;
  if (a == "--no-streamlocal-forwarding") return &o.forwarding.streamlocal;
  if (a == "--no-agent-forwarding") return &o.forwarding.agent;
  if (a == "--gateway-ports") return &o.forwarding.gateway_ports;
  if (a == "--streamlocal-bind-unlink") return &o.forwarding.streamlocal_bind_unlink;
  return nullptr;
}

bool flag_negates(const std::string& a) {
  return a.rfind("--no-", 0) == 0;
}

}  // namespace

int usage() {
  std::cerr
      << "usage: sshlib-sshd [--listen ADDR] [--port N] (--host-key FILE | --generate-host-key "
         "FILE)...\n"
         "                   [--authorized-keys FILE] [--password-file FILE] [--allow-env "
         "PATTERN]...\n"
         "                   [--set-env NAME=VALUE]...\n"
         "                   [--max-sessions N] [--max-connections N] [--threads N] [--verbose]\n"
         "                   [--no-tcp-forwarding] [--no-streamlocal-forwarding] "
         "[--no-agent-forwarding]\n"
         "                   [--gateway-ports] [--streamlocal-bind-unlink] [--sftp-root DIR]\n";
  return 2;
}

options parse_options(int argc, char** argv) {
  options o;
  bool env_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (bool* flag = switch_flag(o, a)) {
      *flag = !flag_negates(a);
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument("missing value or unknown flag: " + a);
    const std::string v = argv[++i];
    if (a == "--listen")
      o.listen = v;
    else if (a == "--port")
      o.port = static_cast<std::uint16_t>(parse_count(a, v, 0, 65535));
    else if (a == "--host-key")
      o.host_keys.push_back(v);
    else if (a == "--generate-host-key")
      o.generated_host_keys.push_back(v);
    else if (a == "--authorized-keys")
      o.authorized_keys = v;
    else if (a == "--password-file")
      o.password_file = v;
    else if (a == "--allow-env") {
      if (!env_given) o.allow_env.clear();
      env_given = true;
      o.allow_env.push_back(v);
    } else if (a == "--set-env") {
      const auto eq = v.find('=');
      if (eq == 0 || eq == std::string::npos)
        throw std::invalid_argument("--set-env wants NAME=VALUE, not '" + v + "'");
      o.set_env.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--max-sessions")
      o.max_sessions = parse_count(a, v, 1, 1000);
    else if (a == "--max-connections")
      o.max_connections = parse_count(a, v, 1, 100000);
    else if (a == "--threads")
      o.threads = parse_count(a, v, 1, 256);
    else if (a == "--sftp-root")
      o.sftp_root = v;
    else
      throw std::invalid_argument("unknown flag " + a);
  }
  o.forwarding.verbose = o.verbose;
  if (o.host_keys.empty() && o.generated_host_keys.empty())
    throw std::invalid_argument("no --host-key given");
  if (o.authorized_keys.empty() && o.password_file.empty()) {
    throw std::invalid_argument("no --authorized-keys or --password-file: nobody could log in");
  }
  return o;
}

}  // namespace sshd
