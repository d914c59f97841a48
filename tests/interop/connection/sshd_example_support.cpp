// The helpers declared in sshd_example_support.hpp.
#include "sshd_example_support.hpp"

#include <pty.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <cstring>

namespace sshlib::test {

#ifdef SSHLIB_SSHD_EXAMPLE
const char* const example_path = SSHLIB_SSHD_EXAMPLE;
#else
const char* const example_path = "";
#endif

std::string user_name() {
  const passwd* pw = ::getpwuid(::getuid());
  return pw != nullptr ? pw->pw_name : "";
}

int milliseconds_until(clock_type::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for a child with a deadline (a pidfd becomes readable when the child exits), then
// reaps it. Returns the wait status, or nullopt on timeout.
std::optional<int> wait_child(pid_t pid, clock_type::time_point deadline) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    while (::poll(&p, 1, milliseconds_until(deadline)) < 0 && errno == EINTR) {
    }
    ::close(pidfd);
  }
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return status;
  return std::nullopt;
}

void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Runs argv with stdin from `input` (or from a pseudo-terminal of the given size and
// interrupt character, which is what `ssh -tt` copies into its pty-req), collecting stdout
// and stderr; kills the program if it takes longer than process_timeout.
bounded_result run_bounded(const std::vector<std::string>& argv, const std::string& input,
                           std::optional<terminal_for_stdin> tty) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2");
  }
  int master = -1, slave = -1;
  if (tty) {
    winsize ws{};
    ws.ws_row = tty->rows;
    ws.ws_col = tty->cols;
    if (::openpty(&master, &slave, nullptr, nullptr, &ws) != 0) throw std::runtime_error("openpty");
    termios t{};
    ::tcgetattr(slave, &t);
    t.c_cc[VINTR] = tty->intr;
    ::tcsetattr(slave, TCSANOW, &t);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    ::dup2(tty ? slave : in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    if (tty) {
      ::close(master);
      ::close(slave);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (tty) ::close(slave);
  if (tty || input.empty()) {
    ::close(in[1]);
    in[1] = -1;
  }
  ::signal(SIGPIPE, SIG_IGN);
  bounded_result r;
  const auto deadline = clock_type::now() + process_timeout;
  std::size_t written = 0;
  int fds[2] = {out[0], err[0]};
  while ((fds[0] >= 0 || fds[1] >= 0) && !r.timed_out) {
    pollfd p[3];
    nfds_t n = 0;
    for (int fd : fds) {
      if (fd >= 0) p[n++] = {fd, POLLIN, 0};
    }
    if (in[1] >= 0) p[n++] = {in[1], POLLOUT, 0};
    const int ready = ::poll(p, n, milliseconds_until(deadline));
    if (ready == 0) r.timed_out = true;
    if (ready <= 0) continue;
    for (nfds_t i = 0; i < n; ++i) {
      if (p[i].revents == 0) continue;
      if (p[i].fd == in[1]) {
        const ssize_t w = ::write(in[1], input.data() + written,
                                  std::min<std::size_t>(input.size() - written, 65536));
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == input.size()) {
          ::close(in[1]);
          in[1] = -1;
        }
        continue;
      }
      char buf[65536];
      const ssize_t got = ::read(p[i].fd, buf, sizeof buf);
      const bool is_out = p[i].fd == fds[0];
      if (got > 0) {
        (is_out ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
      } else {
        ::close(p[i].fd);
        (is_out ? fds[0] : fds[1]) = -1;
      }
    }
  }
  for (int fd : {fds[0], fds[1], in[1], master}) {
    if (fd >= 0) ::close(fd);
  }
  if (auto status = r.timed_out ? std::nullopt : wait_child(pid, deadline)) {
    r.exit_code = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  } else {
    r.timed_out = true;
    kill_and_reap(pid);
  }
  return r;
}

// The example server, stopped with SIGTERM (then SIGKILL after 20 s) on destruction.

}  // namespace sshlib::test
