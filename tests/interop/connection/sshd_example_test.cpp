// The sshlib-sshd example as a real server: started as a child process on port 0 (its first
// stdout line says where it listens), then driven by Debian's OpenSSH `ssh` and by our own
// client (password authentication, signals, window changes, EOF on a terminal). Every wait
// is bounded: child processes are polled with a deadline and killed when it passes.
#include <sshlib/client.hpp>
#include <sshlib/terminal_modes.hpp>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <random>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

#ifdef SSHLIB_SSHD_EXAMPLE
const char* const example_path = SSHLIB_SSHD_EXAMPLE;
#else
const char* const example_path = "";
#endif

constexpr auto process_timeout = 60s;

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

struct bounded_result : process_result {
  bool timed_out = false;
};

struct terminal_for_stdin {
  unsigned short rows = 0, cols = 0;
  cc_t intr = 3;
};

// Runs argv with stdin from `input` (or from a pseudo-terminal of the given size and
// interrupt character, which is what `ssh -tt` copies into its pty-req), collecting stdout
// and stderr; kills the program if it takes longer than process_timeout.
bounded_result run_bounded(const std::vector<std::string>& argv, const std::string& input = {},
                           std::optional<terminal_for_stdin> tty = std::nullopt) {
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
class example_server {
 public:
  example_server(const temp_dir& dir, std::vector<std::string> extra) : log_(dir / "sshd.log") {
    std::vector<std::string> argv{example_path,
                                  "--port",
                                  "0",
                                  "--generate-host-key",
                                  (dir / "host_key").string(),
                                  "--authorized-keys",
                                  (dir / "authorized_keys").string(),
                                  "--password-file",
                                  (dir / "password").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    const int log_fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      ::dup2(out[1], 1);
      ::dup2(log_fd, 2);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(log_fd);
    // The first line says where it listens; read it with a deadline.
    const auto deadline = clock_type::now() + 30s;
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, milliseconds_until(deadline)) <= 0) break;
      char buf[256];
      const ssize_t got = ::read(out[0], buf, sizeof buf);
      if (got <= 0) break;
      line.append(buf, static_cast<std::size_t>(got));
    }
    ::close(out[0]);
    first_line_ = line.substr(0, line.find('\n'));
    const auto colon = first_line_.rfind(':');
    if (first_line_.rfind("listening on ", 0) == 0 && colon != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(first_line_.substr(colon + 1)));
    }
  }
  ~example_server() { stop(); }
  /// SIGTERM, then waits up to 20 s (SIGKILL after). Returns the exit code, -1 if it had to
  /// be killed or died of a signal.
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    if (auto status = wait_child(pid_, clock_type::now() + 20s)) {
      exit_code_ = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
    } else {
      kill_and_reap(pid_);
    }
    pid_ = -1;
    return exit_code_;
  }
  example_server(const example_server&) = delete;
  example_server& operator=(const example_server&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  std::string log() const { return read_file(log_); }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::uint16_t port_ = 0;
  std::string first_line_;
};

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  const auto deadline = clock_type::now() + process_timeout;
  while (!done() && clock_type::now() < deadline) {
    io.restart();
    io.run_for(20ms);
  }
  return done();
}

class SshdExample : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(example_path).empty() || ::access(example_path, X_OK) != 0) {
      GTEST_SKIP() << "sshlib-sshd was not built (SSHLIB_SSHD_EXAMPLE: '" << example_path << "')";
    }
    if (!program_available("ssh")) GTEST_SKIP() << "OpenSSH client not installed";
    user_key_ = generate_key(key_type::ed25519).value();
    write_file(dir_ / "id", user_key_->private_openssh().value().view());
    std::filesystem::permissions(
        dir_ / "id", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    write_file(dir_ / "authorized_keys", "# the test's key\n" + user_key_->public_ssh() + "\n");
    write_file(dir_ / "password", "correct horse\n");
    start({});
  }

  // The server stops cleanly on SIGTERM, and the sanitizers it was built with found nothing.
  void TearDown() override { stop_and_check(); }

  void stop_and_check() {
    if (!server_) return;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    const std::string log = server_->log();
    for (const char* bad : {"AddressSanitizer", "LeakSanitizer", "runtime error:"}) {
      EXPECT_EQ(log.find(bad), std::string::npos) << log;
    }
    server_.reset();
  }

  void start(std::vector<std::string> extra) {
    stop_and_check();
    server_ = std::make_unique<example_server>(dir_, std::move(extra));
    ASSERT_NE(server_->port(), 0) << "first line: '" << server_->first_line() << "'\n"
                                  << server_->log();
    ASSERT_EQ(server_->first_line().rfind("listening on 127.0.0.1:", 0), 0u)
        << server_->first_line();
    host_key_ = parse_key(as_bytes(read_file(dir_ / "host_key.pub"))).value();
    write_file(dir_ / "known_hosts", "[127.0.0.1]:" + std::to_string(server_->port()) + " " +
                                         host_key_->public_ssh() + "\n");
  }

  bounded_result ssh(const std::vector<std::string>& options, const std::string& command,
                     const std::string& input = {},
                     std::optional<terminal_for_stdin> tty = std::nullopt) {
    std::vector<std::string> argv{"ssh",
                                  "-F",
                                  "/dev/null",
                                  "-p",
                                  std::to_string(server_->port()),
                                  "-i",
                                  (dir_ / "id").string(),
                                  "-o",
                                  "IdentitiesOnly=yes",
                                  "-o",
                                  "IdentityAgent=none",
                                  "-o",
                                  "BatchMode=yes",
                                  "-o",
                                  "StrictHostKeyChecking=yes",
                                  "-o",
                                  "UserKnownHostsFile=" + (dir_ / "known_hosts").string()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(user_name() + "@127.0.0.1");
    argv.push_back(command);
    return run_bounded(argv, input, tty);
  }

  // Our client, connected and authenticated (by password unless a key is given).
  client_config client_settings(std::optional<secret_string> password) const {
    client_config c;
    c.username = user_name();
    if (password) {
      c.password = std::move(password);
    } else {
      c.private_key = user_key_;
    }
    const key expected = *host_key_;
    c.host_verifier = [expected](const host_key_info& info, auto done) {
      done(info.host_key.equals(expected));
    };
    return c;
  }

  boost::system::error_code connect(client& c, client_config config) {
    boost::system::error_code result = make_error_code(errc::timeout);
    bool done = false;
    c.async_connect("127.0.0.1", server_->port(), std::move(config),
                    [&](boost::system::error_code ec) {
                      result = ec;
                      done = true;
                    });
    EXPECT_TRUE(run_until(io_, [&] { return done; }));
    return result;
  }

  // Opens a session running `command` (with a terminal when `pty` is set).
  std::optional<channel> open_exec(client& c, const std::string& command,
                                   std::optional<pty_settings> pty = std::nullopt) {
    std::optional<channel> ch;
    bool done = false;
    c.async_exec(
        command,
        [&](boost::system::error_code ec, channel opened) {
          EXPECT_FALSE(ec) << ec.message();
          if (!ec) ch = opened;
          done = true;
        },
        std::move(pty));
    EXPECT_TRUE(run_until(io_, [&] { return done; }));
    return ch;
  }

  // Reads the channel's stdout until it contains `what` (or it ends).
  bool read_until(channel& ch, std::string& out, std::string_view what) {
    bool ended = false;
    while (out.find(what) == std::string::npos && !ended) {
      std::array<char, 4096> buf{};
      bool got = false;
      ch.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, std::size_t n) {
        out.append(buf.data(), n);
        ended = static_cast<bool>(ec);
        got = true;
      });
      if (!run_until(io_, [&] { return got; })) return false;
    }
    return out.find(what) != std::string::npos;
  }

  // Everything left on stdout, then waits for the channel to close.
  void finish(channel& ch, std::string& out) {
    bool read_done = false, closed = false;
    asio::async_read(ch, asio::dynamic_buffer(out),
                     [&](boost::system::error_code, std::size_t) { read_done = true; });
    ch.async_wait_closed([&](boost::system::error_code) { closed = true; });
    EXPECT_TRUE(run_until(io_, [&] { return read_done && closed; })) << out;
  }

  temp_dir dir_;
  std::optional<key> user_key_, host_key_;
  std::unique_ptr<example_server> server_;
  asio::io_context io_;
};

TEST_F(SshdExample, ExecGivesOutputAndExitStatus) {
  const auto r = ssh({}, "echo hi; exit 7");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "hi\n") << r.err << server_->log();
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

TEST_F(SshdExample, StderrArrivesSeparately) {
  const auto r = ssh({}, "echo to-out; echo to-err >&2; exit 0");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(r.err, "to-err\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(SshdExample, StdinThroughCatIsByteExact) {
  std::string input(4 * 1024 * 1024 + 17, '\0');
  std::mt19937 rng(4254);
  for (auto& c : input) c = static_cast<char>(rng());
  const auto r = ssh({}, "cat", input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.size(), input.size());
  const auto local = run_bounded({"sha256sum"}, input);
  const auto remote = run_bounded({"sha256sum"}, r.out);
  EXPECT_EQ(remote.out, local.out);
}

TEST_F(SshdExample, TerminalHasTheClientsSizeAndModes) {
  // ssh -tt copies its stdin terminal's size and modes into the pty-req.
  const auto r = ssh({"-tt"}, "tty; stty size; stty -a", {}, terminal_for_stdin{43, 132, 2});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("/dev/pts/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("43 132\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intr = ^B"), std::string::npos) << r.out;  // VINTR from the terminal modes
}

TEST_F(SshdExample, KilledCommandIsReportedAsExitSignal) {
  // OpenSSH 9.2's ssh does not act on exit-signal (it logs the request and, having no exit
  // status, exits 255 without a message); our client shows the signal itself.
  const auto r = ssh({"-v"}, "kill -TERM $$");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("rtype exit-signal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Exit status -1"), std::string::npos) << r.err;

  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "kill -TERM $$");
  ASSERT_TRUE(ch);
  std::string out;
  finish(*ch, out);
  EXPECT_EQ(ch->exit_status().signal, "TERM");
  EXPECT_FALSE(ch->exit_status().core_dumped);
  EXPECT_FALSE(ch->exit_status().code.has_value());
  c.end();
}

TEST_F(SshdExample, OnlyAllowedEnvironmentVariablesArrive) {
  const auto r = ssh({"-o", "SetEnv=LANG=C.UTF-8 SSHLIB_NOT_ALLOWED=x LC_TIME=C"},
                     "echo \"[$LANG][$SSHLIB_NOT_ALLOWED][$LC_TIME]\"");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "[C.UTF-8][][C]\n") << r.err;
}

TEST_F(SshdExample, SftpSubsystemIsRefusedWithAMessage) {
  const auto r = ssh({"-s"}, "sftp");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("the sftp subsystem is not available yet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("subsystem request failed"), std::string::npos) << r.err;
}

TEST_F(SshdExample, UnknownKeyIsRefused) {
  const key other = generate_key(key_type::ed25519).value();
  write_file(dir_ / "id", other.private_openssh().value().view());
  const auto r = ssh({}, "true");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST_F(SshdExample, PasswordLogsInOurClient) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(secret_string("correct horse"))));
  auto ch = open_exec(c, "echo \"password ok as $USER\"");
  ASSERT_TRUE(ch);
  std::string out;
  finish(*ch, out);
  EXPECT_EQ(out, "password ok as " + user_name() + "\n");
  EXPECT_EQ(ch->exit_status().code, 0u);
  c.end();

  client wrong(io_.get_executor());
  EXPECT_EQ(connect(wrong, client_settings(secret_string("correct horse battery"))),
            make_error_code(errc::authentication_failed));
}

TEST_F(SshdExample, SignalRequestReachesTheCommand) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch =
      open_exec(c, "trap 'echo got-usr1; exit 3' USR1; echo ready; while :; do sleep 1; done");
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "ready\n")) << out;
  ch->signal("USR1");
  finish(*ch, out);
  EXPECT_EQ(out, "ready\ngot-usr1\n");
  EXPECT_EQ(ch->exit_status().code, 3u);
  c.end();
}

TEST_F(SshdExample, WindowChangeResizesTheTerminal) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  pty_settings pty;
  pty.rows = 24;
  pty.cols = 80;
  pty.modes = encode_terminal_modes({{terminal_opcode::echo, 0}});
  auto ch = open_exec(c, "stty size; read line; stty size", pty);
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "24 80\r\n")) << out;
  ch->window_change(50, 100);
  asio::async_write(*ch, asio::buffer(std::string_view("go\n")),
                    [](boost::system::error_code, std::size_t) {});
  finish(*ch, out);
  EXPECT_EQ(out, "24 80\r\n50 100\r\n");  // ECHO off: "go" is not echoed
  EXPECT_EQ(ch->exit_status().code, 0u);
  c.end();
}

TEST_F(SshdExample, EofOnATerminalTypesTheEofCharacter) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "cat; echo cat-ended", pty_settings{});
  ASSERT_TRUE(ch);
  // A partial line: the server types VEOF twice (one ends the line, one is EOF).
  bool written = false;
  asio::async_write(*ch, asio::buffer(std::string_view("first\nsecond")),
                    [&](boost::system::error_code, std::size_t) {
                      ch->send_eof();
                      written = true;
                    });
  ASSERT_TRUE(run_until(io_, [&] { return written; }));
  std::string out;
  finish(*ch, out);
  EXPECT_NE(out.find("cat-ended"), std::string::npos) << out;
  EXPECT_EQ(ch->exit_status().code, 0u) << out;
  c.end();
}

TEST_F(SshdExample, DroppedConnectionHangsUpTheCommand) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "echo $$; exec sleep 1000");
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "\n")) << out;
  const pid_t remote = static_cast<pid_t>(std::stol(out));
  // A pidfd becomes readable when the process ends (it is not our child, so no waitpid).
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, remote, 0));
  ASSERT_GE(pidfd, 0) << "pidfd_open(" << remote << "): " << std::strerror(errno);
  // Ends the connection; the channel learns it once our side has closed the socket.
  bool closed = false;
  ch->async_wait_closed([&](boost::system::error_code) { closed = true; });
  c.end();
  ASSERT_TRUE(run_until(io_, [&] { return closed; }));
  pollfd p{pidfd, POLLIN, 0};
  const int ready =
      ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(process_timeout).count()));
  ::close(pidfd);
  EXPECT_EQ(ready, 1) << "the command outlived its connection";
}

TEST_F(SshdExample, WorkerThreadsServeConcurrentConnections) {
  start({"--threads", "3"});
  // Four clients at once, each with a session open until all have connected.
  std::vector<std::unique_ptr<client>> clients;
  std::vector<channel> channels;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<client>(io_.get_executor()));
    ASSERT_FALSE(connect(*clients.back(), client_settings(std::nullopt)));
    auto ch = open_exec(*clients.back(), "read x; echo \"$x done\"");
    ASSERT_TRUE(ch);
    channels.push_back(*ch);
  }
  for (int i = 0; i < 4; ++i) {
    auto text = std::make_shared<std::string>("client" + std::to_string(i) + "\n");
    asio::async_write(channels[i], asio::buffer(*text),
                      [text](boost::system::error_code, std::size_t) {});
  }
  for (int i = 0; i < 4; ++i) {
    std::string out;
    finish(channels[i], out);
    EXPECT_EQ(out, "client" + std::to_string(i) + " done\n");
    clients[i]->end();
  }
}

}  // namespace
}  // namespace sshlib::test
