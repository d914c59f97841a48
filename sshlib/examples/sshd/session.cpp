// One session channel of sshlib-sshd: pty-req, env, exec and shell run as a child process
// (on pipes or a pseudo-terminal), window-change, signal, the sftp subsystem, agent
// forwarding, and the exit status or signal at the end (see the top of sshlib-sshd.cpp).
#include "session.hpp"

#include <sshlib/sftp_server.hpp>
#include <sshlib/terminal_modes.hpp>
#include <sshlib/terminal_modes_posix.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <fnmatch.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace sshd {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t max_env_vars = 64;  // per session
constexpr std::size_t max_env_name = 256;
constexpr std::size_t max_env_value = 16 * 1024;
constexpr std::size_t io_buffer_size = 32 * 1024;
constexpr const char* default_path = "/usr/local/bin:/usr/bin:/bin";

struct file_descriptor {
  int fd = -1;
  file_descriptor() = default;
  explicit file_descriptor(int f) : fd(f) {}
  file_descriptor(file_descriptor&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  file_descriptor& operator=(file_descriptor&& o) noexcept {
    reset(std::exchange(o.fd, -1));
    return *this;
  }
  ~file_descriptor() { reset(); }
  void reset(int f = -1) {
    if (fd >= 0) ::close(fd);
    fd = f;
  }
  int release() { return std::exchange(fd, -1); }
};

// RFC 4254 section 6.10 signal names.
constexpr std::pair<const char*, int> signal_names[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},   {"ILL", SIGILL},
    {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},
    {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
};

int signal_number(std::string_view name) {
  for (const auto& [n, s] : signal_names) {
    if (name == n) return s;
  }
  return 0;
}

std::string signal_name(int sig) {
  for (const auto& [n, s] : signal_names) {
    if (sig == s) return n;
  }
  return "SIG@openssh.com";  // what OpenSSH's sshd sends for a signal outside the RFC's list
}

// Two SSH strings (an env request's name and value).
bool read_ssh_string(sshlib::byte_view& in, std::string& out, std::size_t max) {
  if (in.size() < 4) return false;
  const std::size_t n =
      (std::size_t{in[0]} << 24) | (std::size_t{in[1]} << 16) | (std::size_t{in[2]} << 8) | in[3];
  if (n > max || n > in.size() - 4) return false;
  out.assign(reinterpret_cast<const char*>(in.data() + 4), n);
  in = in.subspan(4 + n);
  return true;
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(worker& w, const server_state& s, std::shared_ptr<connection_info> conn,
          sshlib::channel ch)
      : w_(w), s_(s), conn_(std::move(conn)), ch_(std::move(ch)) {
    ++conn_->sessions;
  }
  ~session() { --conn_->sessions; }

  void start() {
    ch_.on_request(
        [self = shared_from_this()](sshlib::channel_request r) { self->on_request(std::move(r)); });
    // A channel that closes (or a connection that drops) while the command runs hangs it up.
    ch_.async_wait_closed([self = shared_from_this()](error_code) {
      if (self->pid_ > 0 && !self->exited_) self->hang_up();
    });
  }

 private:
  void on_request(sshlib::channel_request req) {
    const std::string& t = req.type();
    if (t == "pty-req") return on_pty(std::move(req));
    if (t == "env") return on_env(std::move(req));
    if (t == "exec") {
      std::string command = req.text();
      return on_run(std::move(req), std::move(command));
    }
    if (t == "shell") return on_run(std::move(req), std::nullopt);
    if (t == "window-change") return on_window_change(std::move(req));
    if (t == "signal") return on_signal(std::move(req));
    if (t == "subsystem") return on_subsystem(std::move(req));
    if (t == "auth-agent-req@openssh.com") return on_agent_forwarding(std::move(req));
    if (s_.opts.verbose) log_line("refused request ", t);
    req.reject();
  }

  void on_pty(sshlib::channel_request req) {
    if (started_ || terminal_fd() >= 0 || !req.pty()) return req.reject();
    const auto& p = *req.pty();
    auto modes = sshlib::decode_terminal_modes(p);
    if (!modes) {
      log_line("pty-req refused: ", modes.error().message());
      return req.reject();
    }
    winsize ws = window_size(p);
    int master = -1, slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, &ws) != 0) {
      log_line("openpty: ", std::strerror(errno));
      return req.reject();
    }
    master_.reset(master);
    slave_.reset(slave);
    ::fcntl(master, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave, F_SETFD, FD_CLOEXEC);
    termios tio{};
    if (::tcgetattr(slave, &tio) == 0) {
      for (const auto& m : sshlib::apply_terminal_modes(tio, *modes)) {
        if (s_.opts.verbose) {
          log_line("terminal mode not applied: opcode ", static_cast<int>(m.opcode), " ",
                   sshlib::terminal_mode_name(m.opcode), "=", m.value);
        }
      }
      ::tcsetattr(slave, TCSANOW, &tio);
    }
    char name[128] = {};
    if (::ttyname_r(slave, name, sizeof name) == 0) tty_name_ = name;
    term_ = p.term;
    req.accept();
  }

  // The pty master: held in master_ until the command starts, then by term_io_.
  int terminal_fd() { return term_io_ ? term_io_->native_handle() : master_.fd; }

  static winsize window_size(const sshlib::pty_settings& p) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(std::min<std::uint32_t>(p.rows, 0xffff));
    ws.ws_col = static_cast<unsigned short>(std::min<std::uint32_t>(p.cols, 0xffff));
    ws.ws_xpixel = static_cast<unsigned short>(std::min<std::uint32_t>(p.width_px, 0xffff));
    ws.ws_ypixel = static_cast<unsigned short>(std::min<std::uint32_t>(p.height_px, 0xffff));
    return ws;
  }

  void on_env(sshlib::channel_request req) {
    sshlib::byte_view d(req.data());
    std::string name, value;
    if (started_ || env_.size() >= max_env_vars || !read_ssh_string(d, name, max_env_name) ||
        !read_ssh_string(d, value, max_env_value) || name.empty() ||
        name.find_first_of("=\0", 0, 2) != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return req.reject();
    }
    for (const auto& pattern : s_.opts.allow_env) {
      if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
        env_[name] = value;
        return req.accept();
      }
    }
    if (s_.opts.verbose) log_line("env ", name, " not allowed");
    req.reject();
  }

  void on_agent_forwarding(sshlib::channel_request req) {
    std::string why;
    auto socket = started_ ? std::nullopt : conn_->forwarding->agent_socket(why);
    if (!socket) {
      if (!why.empty()) log_line("agent forwarding refused: ", why);
      return req.reject();
    }
    agent_socket_ = *socket;
    req.accept();
  }

  void on_window_change(sshlib::channel_request req) {
    if (terminal_fd() < 0 || !req.pty()) return req.reject();
    const winsize ws = window_size(*req.pty());
    ::ioctl(terminal_fd(), TIOCSWINSZ, &ws);
    req.accept();
  }

  void on_signal(sshlib::channel_request req) {
    const int sig = signal_number(req.text());
    if (pid_ <= 0 || exited_ || sig == 0) return req.reject();
    ::kill(-pid_, sig);  // the command leads its own process group (setsid)
    req.accept();
  }

  void on_subsystem(sshlib::channel_request req) {
    if (req.text() == "sftp" && !s_.opts.sftp_root.empty() && !started_) {
      started_ = true;
      req.accept();
      sshlib::sftp_server_options o;
      if (s_.opts.verbose) o.debug = [](std::string_view m) { log_line("sftp: ", m); };
      sshlib::sftp_server::async_serve_directory(ch_, s_.opts.sftp_root, std::move(o),
                                                 [](error_code ec) {
                                                   if (ec)
                                                     log_line("sftp session ended: ", ec.message());
                                                 });
      return;
    }
    const std::string why = req.text() == "sftp"
                                ? "the sftp subsystem is off (no --sftp-root)\n"
                                : "subsystem " + req.text() + " is not supported\n";
    log_line("subsystem ", req.text(), " refused");
    // The message goes out before the FAILURE, so `ssh -s` prints it.
    auto text = std::make_shared<std::string>("sshlib-sshd: " + why);
    auto errs = std::make_shared<sshlib::channel::stderr_stream_type>(ch_.stderr_stream());
    asio::async_write(
        *errs, asio::buffer(*text),
        [text, errs, r = std::move(req)](error_code, std::size_t) mutable { r.reject(); });
  }

  void on_run(sshlib::channel_request req, std::optional<std::string> command) {
    if (started_) return req.reject();
    if (auto why = spawn(command); !why.empty()) {
      log_line("cannot start ", command ? "command" : "shell", ": ", why);
      return req.reject();
    }
    started_ = true;
    req.accept();
    run();
  }

  // Builds argv and the environment, then forks. Between fork and exec the child only makes
  // async-signal-safe calls: the parent has other threads.
  std::string spawn(const std::optional<std::string>& command) {
    const std::string& shell = s_.user.shell;
    const std::string base = shell.substr(shell.rfind('/') + 1);
    std::vector<std::string> args = command
                                        ? std::vector<std::string>{base, "-c", *command}
                                        : std::vector<std::string>{"-" + base};  // a login shell
    std::map<std::string, std::string> env = env_;
    env["USER"] = env["LOGNAME"] = s_.user.name;
    env["HOME"] = s_.user.home;
    env["SHELL"] = shell;
    env["PATH"] = default_path;
    env["SSH_CONNECTION"] = conn_->client_ip + " " + std::to_string(conn_->client_port) + " " +
                            conn_->server_ip + " " + std::to_string(conn_->server_port);
    env["SSH_CLIENT"] = conn_->client_ip + " " + std::to_string(conn_->client_port) + " " +
                        std::to_string(conn_->server_port);
    if (!agent_socket_.empty()) env["SSH_AUTH_SOCK"] = agent_socket_;
    if (master_.fd >= 0) {
      env["TERM"] = term_.empty() ? "dumb" : term_;
      if (!tty_name_.empty()) env["SSH_TTY"] = tty_name_;
    }
    for (const auto& [name, value] : s_.opts.set_env) env[name] = value;
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    const bool pty = master_.fd >= 0;
    if (!pty && (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
                 ::pipe2(err, O_CLOEXEC) != 0)) {
      for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
        if (fd >= 0) ::close(fd);
      }
      return std::string("pipe: ") + std::strerror(errno);
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setsid();
      if (pty) {
        ::ioctl(slave_.fd, TIOCSCTTY, 0);
        ::dup2(slave_.fd, 0);
        ::dup2(slave_.fd, 1);
        ::dup2(slave_.fd, 2);
      } else {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
      }
      exec_child(shell.c_str(), argv.data(), envp.data(), s_.user.home.c_str());
    }
    const int fork_errno = errno;
    if (pty) {
      slave_.reset();  // the master reads EIO once every holder of the slave has gone
    } else {
      ::close(in[0]);
      ::close(out[1]);
      ::close(err[1]);
    }
    if (pid < 0) {
      for (int fd : {in[1], out[0], err[0]}) {
        if (fd >= 0) ::close(fd);
      }
      return std::string("fork: ") + std::strerror(fork_errno);
    }
    pid_ = pid;
    if (pty) {
      term_io_.emplace(w_.io, master_.release());
    } else {
      stdin_.emplace(w_.io, in[1]);
      stdout_.emplace(w_.io, out[0]);
      stderr_.emplace(w_.io, err[0]);
    }
    std::weak_ptr<session> weak = weak_from_this();
    w_.children[pid] = [weak](int status) {
      if (auto self = weak.lock()) self->child_exited(status);
    };
    if (s_.opts.verbose)
      log_line("started pid ", pid, pty ? " on " + tty_name_ : std::string(" on pipes"));
    return {};
  }

  [[noreturn]] static void exec_child(const char* path, char** argv, char** envp,
                                      const char* home) {
    // Undo the server's signal set-up (SIGPIPE ignored, Asio's handlers) and mask.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    ::close_range(3, ~0U, 0);
    if (::chdir(home) != 0) (void)::chdir("/");
    ::execve(path, argv, envp);
    static const char msg[] = "sshlib-sshd: exec of the shell failed\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }

  // Data both ways until the command's output ends and the command has exited.
  void run() {
    auto self = shared_from_this();
    pending_ = term_io_ ? 2 : 3;  // the child's exit and each output stream
    auto on_done = [self](std::exception_ptr) { self->part_done(); };
    if (term_io_) {
      asio::co_spawn(w_.io, output(*term_io_, ch_), on_done);
      asio::co_spawn(w_.io, input(), asio::detached);
    } else {
      asio::co_spawn(w_.io, output(*stdout_, ch_), on_done);
      asio::co_spawn(w_.io, output(*stderr_, ch_.stderr_stream()), on_done);
      asio::co_spawn(w_.io, input(), asio::detached);
    }
  }

  // Child output to the channel, one buffer at a time: each read waits for the previous
  // write, so a client that stops reading stops the command once the pipe fills.
  template <class Sink>
  asio::awaitable<void> output(asio::posix::stream_descriptor& from, Sink sink) {
    auto self = shared_from_this();
    std::vector<char> buf(io_buffer_size);
    while (true) {
      error_code ec;
      const std::size_t n = co_await from.async_read_some(
          asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // EOF; EIO on a pty master once the terminal's last user has gone
      co_await asio::async_write(sink, asio::buffer(buf.data(), n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // the channel is gone; async_wait_closed hangs the command up
    }
  }

  // Client data to the command's stdin (or the terminal).
  asio::awaitable<void> input() {
    auto self = shared_from_this();
    auto& to = term_io_ ? *term_io_ : *stdin_;
    std::vector<char> buf(io_buffer_size);
    bool writable = true;
    char last = '\n';
    while (true) {
      error_code ec;
      const std::size_t n = co_await ch_.async_read_some(
          asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (!writable || n == 0) continue;  // the command closed its stdin: drain and discard
      co_await asio::async_write(to, asio::buffer(buf.data(), n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) writable = false;
      last = buf[n - 1];
    }
    if (!ch_.eof_received() || exited_) co_return;
    if (stdin_) {
      error_code ignored;
      stdin_->close(ignored);
    } else if (term_io_ && writable) {
      type_eof(last);
    }
  }

  // On a terminal in canonical mode, EOF is the VEOF character at the start of a line.
  void type_eof(char last) {
    termios tio{};
    if (::tcgetattr(term_io_->native_handle(), &tio) != 0 || (tio.c_lflag & ICANON) == 0) return;
    const cc_t veof = tio.c_cc[VEOF];
    if (veof == static_cast<cc_t>(_POSIX_VDISABLE)) return;
    const char seq[2] = {static_cast<char>(veof), static_cast<char>(veof)};
    const std::size_t n = last == '\n' || last == '\r' ? 1 : 2;
    error_code ignored;
    asio::write(*term_io_, asio::buffer(seq, n), ignored);
  }

  void child_exited(int status) {
    exited_ = true;
    status_ = status;
    if (s_.opts.verbose) log_line("pid ", pid_, " ended with status ", status);
    part_done();
  }

  void part_done() {
    if (--pending_ > 0) return;
    // Output drained and the command reaped: report how it ended, then EOF and CLOSE.
    if (WIFSIGNALED(status_)) {
      ch_.exit_signal(signal_name(WTERMSIG(status_)), WCOREDUMP(status_) != 0, "");
    } else {
      ch_.exit(static_cast<std::uint32_t>(WEXITSTATUS(status_)));
    }
    ch_.send_eof();
    ch_.close();
    close_descriptors();
  }

  void hang_up() {
    ::kill(-pid_, SIGHUP);
    close_descriptors();
  }

  void close_descriptors() {
    error_code ignored;
    for (auto* d : {&term_io_, &stdin_, &stdout_, &stderr_}) {
      if (*d) (*d)->close(ignored);
    }
  }

  worker& w_;
  const server_state& s_;
  std::shared_ptr<connection_info> conn_;
  sshlib::channel ch_;
  std::map<std::string, std::string> env_;
  file_descriptor master_, slave_;  // from pty-req until the command starts
  std::string term_, tty_name_;
  std::string agent_socket_;
  bool started_ = false;
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
  int pending_ = 0;
  std::optional<asio::posix::stream_descriptor> term_io_, stdin_, stdout_, stderr_;
};

}  // namespace

void start_session(worker& w, const server_state& s, std::shared_ptr<connection_info> conn,
                   sshlib::channel ch) {
  std::make_shared<session>(w, s, std::move(conn), std::move(ch))->start();
}

}  // namespace sshd
