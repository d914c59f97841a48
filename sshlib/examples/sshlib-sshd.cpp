// sshlib-sshd: a small SSH server on sshlib's server API. It runs commands and shells as the
// user it runs as, with a pseudo-terminal when the client asks for one.
//
//   sshlib-sshd [--listen ADDR] [--port N] (--host-key FILE | --generate-host-key FILE)...
//               [--authorized-keys FILE] [--password-file FILE] [--allow-env PATTERN]...
//               [--set-env NAME=VALUE]...
//               [--max-sessions N] [--max-connections N] [--threads N] [--verbose]
//               [--no-tcp-forwarding] [--no-streamlocal-forwarding] [--no-agent-forwarding]
//               [--gateway-ports] [--streamlocal-bind-unlink] [--sftp-root DIR]
//
// --port 0 lets the kernel pick a port. The first line on stdout is always
// "listening on ADDR:PORT"; logs go to stderr. Only the user the server runs as may log in,
// by a key listed in --authorized-keys or by the password in --password-file.
//
// Sessions: pty-req (openpty, the client's terminal modes applied, its window size),
// env (names matching an --allow-env pattern; default LANG and LC_*; --set-env values are set
// last, over everything, like sshd's SetEnv), exec and shell (the
// user's shell, `-c command` for exec, in the user's home directory), window-change,
// signal (to the command's process group), exit-status / exit-signal, then EOF and CLOSE.
// The sftp subsystem serves the tree under --sftp-root, confined to it (sshlib::sftp_server);
// without --sftp-root it is refused with a message.
//
// Forwarding (sshd/forwarding.cpp), each kind on unless its --no-* flag is given; a refused
// channel open carries the reason (ssh prints it), a refused global request is logged:
//  - local: direct-tcpip (ssh -L, -D, -W, -J) resolves and connects before confirming, a
//    failed connect is refused as connect_failed with the reason; direct-streamlocal@openssh.com
//    (ssh -L port:/path) connects to a UNIX socket.
//  - remote: tcpip-forward (ssh -R) listens on loopback only, or with --gateway-ports on the
//    address the client names ("" and "*" every address, "localhost" loopback), port 0 picks
//    one; streamlocal-forward@openssh.com listens on a UNIX socket (mode 0600; an existing
//    socket there is removed first only with --streamlocal-bind-unlink). Each connection
//    becomes a forwarded-tcpip / forwarded-streamlocal channel. The cancels close them.
//  - agent: auth-agent-req@openssh.com makes /tmp/sshlib-sshd-XXXXXX (0700) with a socket
//    agent.PID (0600) in it, one per connection, named by SSH_AUTH_SOCK in the sessions'
//    environment; each connection to it becomes an auth-agent@openssh.com channel.
// Data goes through sshlib::relay (half-closes passed on both ways). Listeners, relays, the
// sockets and the agent directory go when the connection ends.
// Limits per connection: 64 listening forwards (sshd::max_forward_listeners) and 256
// forwarded connections at once, all kinds together, those still connecting included
// (sshd::max_forwarded_connections); beyond them opens are refused as resource_shortage and
// accepted connections are closed.
//
// Half-close: the client's EOF closes the command's stdin when it runs on pipes. On a
// pseudo-terminal there is no stdin to close, so we type the terminal's EOF character
// (normally ^D, twice when a line is pending) if the terminal is in canonical mode, and do
// nothing otherwise.
//
// Threads: --threads N runs N workers, each an io_context on its own thread; a connection,
// its sessions and its child processes stay on the worker that accepted it for life.
#include <sshlib/server.hpp>
#include <sshlib/sftp_server.hpp>
#include <sshlib/terminal_modes.hpp>
#include <sshlib/terminal_modes_posix.hpp>

// Private sshlib headers (available to programs built in this tree): the constant-time
// comparison the library uses for MACs, and its SHA-256.
#include "crypto/constant_time.hpp"
#include "crypto/digest.hpp"

#include "sshd/forwarding.hpp"
#include "sshd/options.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <fnmatch.h>
#include <pty.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace {

namespace asio = boost::asio;
using sshd::options;
using sshd::parse_options;
using sshd::usage;
using asio::ip::tcp;
using boost::system::error_code;

// ---- limits and settings ------------------------------------------------------------

constexpr std::size_t max_env_vars = 64;  // per session
constexpr std::size_t max_env_name = 256;
constexpr std::size_t max_env_value = 16 * 1024;
constexpr std::size_t max_file_size = 1024 * 1024;  // key, authorized_keys and password files
constexpr std::size_t io_buffer_size = 32 * 1024;
constexpr const char* default_path = "/usr/local/bin:/usr/bin:/bin";

struct login_user {
  std::string name, home, shell;
};


std::mutex log_mutex;
template <class... Parts>
void log_line(const Parts&... parts) {
  std::ostringstream s;
  s << "sshlib-sshd: ";
  (s << ... << parts);
  s << '\n';
  std::lock_guard lock(log_mutex);
  std::cerr << s.str() << std::flush;
}

std::string read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string out(max_file_size + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (static_cast<std::size_t>(in.gcount()) > max_file_size)
    throw std::runtime_error(path + " is too large");
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

// ---- start-up: keys, authorized_keys, password -----------------------------------------

void write_new_file(const std::string& path, std::string_view text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
}

sshlib::key load_host_key(const std::string& path, bool generate) {
  if (generate && ::access(path.c_str(), F_OK) != 0) {
    auto k = sshlib::generate_key(sshlib::key_type::ed25519).value();
    write_new_file(path, k.private_openssh().value().view(), 0600);
    ::unlink((path + ".pub").c_str());
    write_new_file(path + ".pub", k.public_only().with_comment("sshlib-sshd").public_ssh() + "\n",
                   0644);
    log_line("generated host key ", path, " (", k.fingerprint_sha256(), ")");
  }
  auto k = sshlib::parse_key(sshlib::as_bytes(read_small_file(path)));
  if (!k) throw std::runtime_error(path + ": " + k.error().message());
  if (!k->is_private()) throw std::runtime_error(path + ": not a private key");
  return *k;
}

// authorized_keys: one key per line. Lines with options (from=, command=, ...) restrict a
// key in ways this server does not implement, so they are skipped rather than widened.
std::vector<sshlib::bytes> load_authorized_keys(const std::string& path) {
  std::vector<sshlib::bytes> blobs;
  std::istringstream in(read_small_file(path));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    auto k = sshlib::parse_key(sshlib::as_bytes(std::string_view(line).substr(start)));
    if (!k) {
      log_line(path, ":", number, ": skipped (", k.error().message(),
               "; key options are not supported)");
      continue;
    }
    blobs.push_back(k->public_blob());
  }
  return blobs;
}

// The password is compared as SHA-256 digests in constant time, so that neither where the
// first difference is nor the password's length shows in the time taken.
sshlib::bytes password_digest(std::string_view password) {
  return sshlib::crypto::digest(sshlib::crypto::digest_algorithm::sha256,
                                sshlib::as_bytes(password));
}

std::string load_password(const std::string& path) {
  std::string p = read_small_file(path);
  if (!p.empty() && p.back() == '\n') p.pop_back();
  if (!p.empty() && p.back() == '\r') p.pop_back();
  if (p.empty()) throw std::runtime_error(path + ": empty password");
  return p;
}

// ---- workers and child processes ----------------------------------------------------

// One io_context on one thread. Children are reaped by every worker's own SIGCHLD
// signal_set (Asio notifies each set registered for a signal) with waitpid on its own pids
// only, so no worker ever reaps another's child.
struct worker {
  asio::io_context io{1};
  asio::signal_set sigchld{io, SIGCHLD};
  std::map<pid_t, std::function<void(int)>> children;
  struct live_connection {
    std::shared_ptr<sshlib::server_connection> ssh;
    std::shared_ptr<sshd::forwarding> forwarding;
  };
  std::map<std::uint64_t, live_connection> connections;
  std::thread thread;

  void watch_children() {
    sigchld.async_wait([this](error_code ec, int) {
      if (ec) return;
      reap();
      watch_children();
    });
  }
  void reap() {
    for (auto it = children.begin(); it != children.end();) {
      int status = 0;
      if (::waitpid(it->first, &status, WNOHANG) == it->first) {
        auto done = std::move(it->second);
        it = children.erase(it);
        done(status);
      } else {
        ++it;
      }
    }
  }
  void hang_up_children() {
    for (const auto& [pid, done] : children) ::kill(-pid, SIGHUP);
  }
};

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

struct server_state {
  options opts;
  login_user user;
  std::vector<sshlib::key> host_keys;
  std::vector<sshlib::bytes> authorized;
  std::optional<sshlib::bytes> password;  // SHA-256 of the password
  std::atomic<unsigned> connections{0};
};

// What the sessions of one connection share.
struct connection_info {
  std::string client_ip, server_ip;
  std::uint16_t client_port = 0, server_port = 0;
  unsigned sessions = 0;
  std::shared_ptr<sshd::forwarding> forwarding;
};

// ---- one session channel -------------------------------------------------------------

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
      sshlib::sftp_server::async_serve_directory(ch_, s_.opts.sftp_root, std::move(o), [](error_code ec) {
        if (ec) log_line("sftp session ended: ", ec.message());
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

// ---- connections -----------------------------------------------------------------------

// A TCP socket that says when the connection ended (read or write failed, or closed):
// server_connection has no closed callback, and the connection must be kept until then.
class watched_socket final : public sshlib::byte_stream {
 public:
  watched_socket(tcp::socket s, std::function<void()> on_end)
      : s_(std::move(s)), end_(std::make_shared<std::function<void()>>(std::move(on_end))) {}

  executor_type get_executor() override { return s_.get_executor(); }
  void async_read_some(asio::mutable_buffer b, read_completion done) override {
    s_.async_read_some(b, [end = end_, d = std::move(done)](error_code ec, std::size_t n) mutable {
      if (ec) fire(*end);
      d(ec, n);
    });
  }
  void async_write_some(asio::const_buffer b, read_completion done) override {
    s_.async_write_some(b, [end = end_, d = std::move(done)](error_code ec, std::size_t n) mutable {
      if (ec) fire(*end);
      d(ec, n);
    });
  }
  void close() noexcept override {
    error_code ignored;
    s_.close(ignored);
    fire(*end_);
  }

 private:
  static void fire(std::function<void()>& f) noexcept {
    try {
      if (auto g = std::exchange(f, nullptr)) g();
    } catch (...) {
    }
  }
  tcp::socket s_;
  std::shared_ptr<std::function<void()>> end_;
};

sshlib::server_config make_config(worker& w, server_state& s,
                                  std::shared_ptr<connection_info> info) {
  sshlib::server_config c;
  c.host_keys = s.host_keys;
  c.ident = "sshlib_sshd_0.1";
  c.auth_methods.clear();
  if (!s.authorized.empty()) c.auth_methods.push_back("publickey");
  if (s.password) c.auth_methods.push_back("password");
  c.authentication = [&s](sshlib::auth_request req) {
    if (req.username() != s.user.name) return req.reject();
    if (req.kind() == sshlib::auth_request::method_kind::publickey && req.public_key()) {
      const auto blob = req.public_key()->public_blob();
      for (const auto& a : s.authorized) {
        if (a == blob) return req.accept();  // without a signature this only answers PK_OK
      }
    } else if (req.kind() == sshlib::auth_request::method_kind::password && s.password) {
      const auto got = password_digest(req.password().view());
      if (sshlib::crypto::constant_time_equal(got, *s.password)) return req.accept();
    }
    req.reject();
  };
  c.channel_open = [&w, &s, info](sshlib::incoming_channel in) {
    if (info->forwarding->on_channel_open(in)) return;
    if (in.type != "session") {
      return in.reject(sshlib::channel_open_failure::unknown_channel_type,
                       "channel type " + in.type + " is not supported");
    }
    if (info->sessions >= s.opts.max_sessions) {
      return in.reject(sshlib::channel_open_failure::resource_shortage, "too many sessions");
    }
    std::make_shared<session>(w, s, info, in.accept())->start();
  };
  c.global_request = [info](sshlib::global_request req) {
    info->forwarding->on_global_request(std::move(req));
  };
  if (s.opts.verbose) c.debug = [](std::string_view m) { log_line(m); };
  return c;
}

void start_connection(worker& w, server_state& s, tcp::socket socket, std::uint64_t id) {
  auto info = std::make_shared<connection_info>();
  error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const auto local = socket.local_endpoint(ec);
  info->client_ip = remote.address().to_string();
  info->client_port = remote.port();
  info->server_ip = local.address().to_string();
  info->server_port = local.port();
  const std::string peer = info->client_ip + ":" + std::to_string(info->client_port);
  info->forwarding = std::make_shared<sshd::forwarding>(
      w.io, s.opts.forwarding, peer, [](const std::string& line) { log_line(line); });
  // Forgets the connection once its socket is done (posted: never from inside its own I/O);
  // its forwards end with it.
  auto forget = [&w, &s, id] {
    asio::post(w.io, [&w, &s, id] {
      auto it = w.connections.find(id);
      if (it == w.connections.end()) return;
      it->second.forwarding->close();
      w.connections.erase(it);
      --s.connections;
    });
  };
  auto conn = std::make_shared<sshlib::server_connection>(
      std::make_unique<watched_socket>(std::move(socket), forget), make_config(w, s, info));
  info->forwarding->attach(conn);
  w.connections[id] = {conn, info->forwarding};
  conn->async_handshake([&w, id, peer](error_code hec) {
    auto it = w.connections.find(id);
    if (it == w.connections.end()) return;
    auto& c = *it->second.ssh;
    if (hec) {
      log_line(peer, ": ", c.last_error().value_or(sshlib::error{hec}).message());
      c.end();
      return;
    }
    std::string methods;
    for (const auto& m : c.auth_methods_used()) methods += (methods.empty() ? "" : ",") + m;
    log_line(peer, ": ", c.username(), " logged in by ", methods);
    // However the connection ends (even before its socket reports it), its forwards end too.
    c.async_wait_closed([weak = std::weak_ptr(it->second.forwarding)](error_code) {
      if (auto f = weak.lock()) f->close();
    });
  });
}

// ---- main --------------------------------------------------------------------------------

login_user current_user() {
  std::vector<char> buf(16 * 1024);
  passwd pw{}, *found = nullptr;
  if (::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    throw std::runtime_error("cannot look up the current user");
  }
  login_user u{pw.pw_name, pw.pw_dir, pw.pw_shell};
  if (u.shell.empty()) u.shell = "/bin/sh";
  if (u.home.empty()) u.home = "/";
  return u;
}

}  // namespace

int main(int argc, char** argv) {
  server_state s;
  try {
    s.opts = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sshlib-sshd: " << e.what() << "\n";
    return usage();
  }
  try {
    s.user = current_user();
    for (const auto& f : s.opts.generated_host_keys) s.host_keys.push_back(load_host_key(f, true));
    for (const auto& f : s.opts.host_keys) s.host_keys.push_back(load_host_key(f, false));
    if (!s.opts.authorized_keys.empty())
      s.authorized = load_authorized_keys(s.opts.authorized_keys);
    if (!s.opts.password_file.empty())
      s.password = password_digest(load_password(s.opts.password_file));
    ::signal(SIGPIPE, SIG_IGN);

    asio::io_context main_io{1};
    // Registered before we say we listen, so that a SIGTERM right after that line is ours
    // to handle (Asio queues it until the wait below).
    asio::signal_set stop(main_io, SIGTERM, SIGINT);
    tcp::acceptor acceptor(main_io);
    const tcp::endpoint where(asio::ip::make_address(s.opts.listen), s.opts.port);
    acceptor.open(where.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(where);
    acceptor.listen();
    const auto bound = acceptor.local_endpoint();
    const std::string shown = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                      : bound.address().to_string();
    std::cout << "listening on " << shown << ":" << bound.port() << std::endl;
    log_line("listening on ", shown, ":", bound.port(), " as ", s.user.name, " with ",
             s.opts.threads, " thread(s)");

    std::vector<std::unique_ptr<worker>> workers;
    for (unsigned i = 0; i < s.opts.threads; ++i) workers.push_back(std::make_unique<worker>());
    for (auto& w : workers) {
      w->watch_children();
      w->thread = std::thread([io = &w->io] {
        auto guard = asio::make_work_guard(*io);
        io->run();
      });
    }

    std::uint64_t next_id = 0;
    std::function<void()> accept = [&] {
      worker& w = *workers[next_id % workers.size()];
      acceptor.async_accept(w.io, [&, &w = w](error_code ec, tcp::socket socket) {
        if (ec) return;
        const std::uint64_t id = next_id++;
        if (s.connections >= s.opts.max_connections) {
          log_line("connection refused: ", s.opts.max_connections, " connections open");
        } else {
          ++s.connections;
          asio::post(w.io, [&w, &s, id, sock = std::move(socket)]() mutable {
            start_connection(w, s, std::move(sock), id);
          });
        }
        accept();
      });
    };
    accept();

    stop.async_wait([&](error_code, int sig) {
      log_line("signal ", sig, ": stopping");
      error_code ignored;
      acceptor.close(ignored);
      for (auto& w : workers) {
        asio::post(w->io, [w = w.get()] {
          w->hang_up_children();
          for (auto& [id, c] : w->connections) c.forwarding->close();  // removes sockets
          w->connections.clear();
          w->io.stop();
        });
      }
    });
    main_io.run();
    for (auto& w : workers) w->thread.join();
    return 0;
  } catch (const std::exception& e) {
    log_line(e.what());
    return 1;
  }
}
