#include "support/sshd.hpp"

#include "support/process.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace sshlib::test {
namespace {

constexpr const char* sshd_path = "/usr/sbin/sshd";

}  // namespace

std::string sshd_server::unavailable_reason() {
  if (::access(sshd_path, X_OK) != 0) return "OpenSSH server not installed (/usr/sbin/sshd)";
  if (::geteuid() != 0) return "sshd -i needs root for privilege separation in this setup";
  return {};
}

std::string sshd_server::user() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}

sshd_server::sshd_server(std::vector<std::string> extra_config) {
  // Privilege separation wants its empty directory.
  ::mkdir("/run/sshd", 0755);
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    const auto file = host_key(type);
    const auto r = run_process({"ssh-keygen", "-q", "-t", type, "-N", "", "-f", file.string()});
    if (r.exit_code != 0) throw std::runtime_error("ssh-keygen failed: " + r.err);
  }
  write_file(dir() / "authorized_keys", "");
  std::string config;
  for (const char* type : {"ed25519", "ecdsa", "rsa"})
    config += "HostKey " + host_key(type).string() + "\n";
  config += "AuthorizedKeysFile " + (dir() / "authorized_keys").string() + "\n";
  config +=
      "PidFile none\n"
      "UsePAM no\n"
      "StrictModes no\n"
      "PermitRootLogin yes\n"
      "PasswordAuthentication no\n"
      "KbdInteractiveAuthentication no\n"
      "LogLevel DEBUG1\n"
      "Subsystem sftp internal-sftp\n"
      // Sessions must not run the account's own start-up files: Debian's bash sources
      // ~/.bashrc for every command sshd runs, and a slow one (pyenv waits 60 s for a stale
      // rehash lock left by a killed shell) stalled every session of a CI run.
      "PermitUserRC no\n";
  // sshd keeps only the first SetEnv line, so the test's variables join the HOME override
  // (written before the test's lines, in case those open a Match block).
  std::string set_env = "SetEnv HOME=" + dir().string();
  std::string rest;
  for (const auto& line : extra_config) {
    if (line.rfind("SetEnv ", 0) == 0) {
      set_env += line.substr(6);
    } else {
      rest += line + "\n";
    }
  }
  config += set_env + "\n" + rest;
  write_file(dir() / "sshd_config", config);
}

sshd_server::~sshd_server() {
  for (pid_t pid : children_) {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}

void sshd_server::authorize(const std::string& public_line) {
  std::ofstream(dir() / "authorized_keys", std::ios::app) << public_line << "\n";
}

std::filesystem::path sshd_server::host_key(const std::string& type) const {
  return dir() / ("ssh_host_" + type + "_key");
}

int sshd_server::connect(const std::vector<std::string>& options) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::runtime_error("socketpair failed");
  std::vector<std::string> args{
      sshd_path, "-i", "-f", (dir() / "sshd_config").string(), "-E", (dir() / "sshd.log").string()};
  for (const auto& o : options) {
    args.push_back("-o");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], 0);
    ::dup2(fds[1], 1);
    ::execv(sshd_path, argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  children_.push_back(pid);
  return fds[0];
}

std::string sshd_server::proxy_command() const {
  return std::string(sshd_path) + " -i -f " + (dir() / "sshd_config").string() + " -E " +
         (dir() / "sshd.log").string();
}

std::string sshd_server::log() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir() / "sshd.log", ec)) return {};
  return read_file(dir() / "sshd.log");
}

}  // namespace sshlib::test
