#include "support/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace sshlib::test {
namespace {

struct pipe_pair {
  int fd[2] = {-1, -1};
  pipe_pair() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  }
  ~pipe_pair() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() { close_end(0); close_end(1); }
};

// The child's environment, built before fork: after fork in a multithreaded test only
// async-signal-safe calls are allowed, so no setenv there.
struct child_environment {
  std::vector<std::string> storage;
  std::vector<char*> pointers;

  explicit child_environment(const environment& extra) {
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      const std::string name = entry.substr(0, entry.find('='));
      const bool replaced =
          std::any_of(extra.begin(), extra.end(), [&](const auto& kv) { return kv.first == name; });
      if (!replaced) storage.push_back(entry);
    }
    for (const auto& [name, value] : extra) storage.push_back(name + "=" + value);
    for (auto& s : storage) pointers.push_back(s.data());
    pointers.push_back(nullptr);
  }
};

struct child_arguments {
  std::vector<char*> pointers;
  explicit child_arguments(const std::vector<std::string>& argv) {
    for (const auto& a : argv) pointers.push_back(const_cast<char*>(a.c_str()));
    pointers.push_back(nullptr);
  }
};

}  // namespace

process_result run_process(const std::vector<std::string>& argv, const std::string& stdin_data) {
  return run_process(argv, stdin_data, {});
}

process_result run_process(const std::vector<std::string>& argv, const std::string& stdin_data,
                           const environment& env) {
  pipe_pair in, out, err;
  child_arguments args(argv);
  child_environment child_env(env);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in.fd[0], 0);
    ::dup2(out.fd[1], 1);
    ::dup2(err.fd[1], 2);
    ::setsid();  // no controlling terminal: tools must not prompt on /dev/tty
    ::execvpe(args.pointers[0], args.pointers.data(), child_env.pointers.data());
    ::_exit(127);
  }
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);

  process_result r;
  std::size_t written = 0;
  if (stdin_data.empty()) in.close_end(1);
  ::signal(SIGPIPE, SIG_IGN);
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out.fd[0] >= 0) fds[n++] = {out.fd[0], POLLIN, 0};
    if (err.fd[0] >= 0) fds[n++] = {err.fd[0], POLLIN, 0};
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.fd[1]) {
        const ssize_t w = ::write(in.fd[1], stdin_data.data() + written, stdin_data.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == stdin_data.size()) in.close_end(1);
        continue;
      }
      char buf[4096];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      std::string& sink = fds[i].fd == out.fd[0] ? r.out : r.err;
      if (got > 0) {
        sink.append(buf, static_cast<std::size_t>(got));
      } else if (fds[i].fd == out.fd[0]) {
        out.close_end(0);
      } else {
        err.close_end(0);
      }
    }
  }
  in.close_end(1);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

background_process::background_process(const std::vector<std::string>& argv, const environment& env,
                                       const std::filesystem::path& log) {
  child_arguments args(argv);
  child_environment child_env(env);
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int log_fd = log.empty() ? -1 : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (null_fd < 0 || (!log.empty() && log_fd < 0)) throw std::runtime_error("cannot open /dev/null or the log");
  pid_ = ::fork();
  if (pid_ == 0) {
    const int out_fd = log_fd >= 0 ? log_fd : null_fd;
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::setsid();
    ::execvpe(args.pointers[0], args.pointers.data(), child_env.pointers.data());
    ::_exit(127);
  }
  ::close(null_fd);
  if (log_fd >= 0) ::close(log_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

background_process::~background_process() { stop(); }

bool background_process::running() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return false;
  }
  return true;
}

int background_process::stop() {
  if (pid_ < 0) return status_;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return status_;
}

bool program_available(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string p(path);
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t end = p.find(':', start);
    const std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace sshlib::test
