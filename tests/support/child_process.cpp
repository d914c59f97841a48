#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace sshlib::test {
namespace {

using clock_type = std::chrono::steady_clock;

int milliseconds_until(clock_type::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Waits for the child to exit until the deadline (a pidfd turns readable when it does),
// then reaps it. Returns false on timeout.
bool reap(pid_t pid, clock_type::time_point deadline, int& status) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    while (::poll(&p, 1, milliseconds_until(deadline)) < 0 && errno == EINTR) {
    }
    ::close(pidfd);
  }
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv, std::string input,
                             const environment& env)
    : input_(std::move(input)) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe2 failed");
  // Everything the child needs is built before fork: after it, only exec-safe calls.
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (std::none_of(env.begin(), env.end(), [&](const auto& kv) { return kv.first == name; })) {
      env_storage.push_back(entry);
    }
  }
  for (const auto& [name, value] : env) env_storage.push_back(name + "=" + value);
  std::vector<char*> envp, args;
  for (auto& s : env_storage) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setsid();
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execvpe(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  if (input_.empty()) close_fd(in_);
  ::signal(SIGPIPE, SIG_IGN);  // the child may exit without reading all its input
}

child_process::~child_process() {
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool child_process::pump(clock_type::time_point deadline) {
  pollfd p[3];
  nfds_t n = 0;
  for (int fd : {out_, err_}) {
    if (fd >= 0) p[n++] = {fd, POLLIN, 0};
  }
  if (in_ >= 0) p[n++] = {in_, POLLOUT, 0};
  if (n == 0) return false;
  const int ready = ::poll(p, n, milliseconds_until(deadline));
  if (ready < 0 && errno == EINTR) return true;
  if (ready <= 0) return false;
  for (nfds_t i = 0; i < n; ++i) {
    if (p[i].revents == 0) continue;
    if (p[i].fd == in_) {
      const ssize_t w = ::write(in_, input_.data() + written_,
                                std::min<std::size_t>(input_.size() - written_, 65536));
      if (w > 0) written_ += static_cast<std::size_t>(w);
      if (w < 0 || written_ == input_.size()) close_fd(in_);
      continue;
    }
    char buf[65536];
    const ssize_t got = ::read(p[i].fd, buf, sizeof buf);
    const bool is_out = p[i].fd == out_;
    if (got > 0) {
      (is_out ? result_.out : result_.err).append(buf, static_cast<std::size_t>(got));
    } else {
      close_fd(is_out ? out_ : err_);
    }
  }
  return true;
}

bool child_process::wait_for_output(std::string_view text, duration timeout) {
  const auto deadline = clock_type::now() + timeout;
  while (result_.out.find(text) == std::string::npos) {
    if (out_ < 0 || clock_type::now() >= deadline || !pump(deadline)) break;
  }
  return result_.out.find(text) != std::string::npos;
}

child_result child_process::wait(duration timeout) {
  const auto deadline = clock_type::now() + timeout;
  while ((out_ >= 0 || err_ >= 0) && clock_type::now() < deadline && pump(deadline)) {
  }
  close_fd(in_);
  int status = 0;
  if (pid_ > 0 && (out_ < 0 && err_ < 0) && reap(pid_, deadline, status)) {
    result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result_.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    pid_ = -1;
  } else if (pid_ > 0) {
    result_.timed_out = true;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  close_fd(out_);
  close_fd(err_);
  return result_;
}

child_result child_process::stop(int signal, duration timeout) {
  if (pid_ > 0) ::kill(pid_, signal);
  return wait(timeout);
}

child_result run_child(const std::vector<std::string>& argv, const std::string& input,
                       std::chrono::steady_clock::duration timeout, const environment& env) {
  child_process child(argv, input, env);
  return child.wait(timeout);
}

}  // namespace sshlib::test
