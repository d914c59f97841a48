// example-shell: the ssh2 README's "Start an interactive shell session": a shell on a
// pseudo-terminal, our stdin typed into it, its output on our stdout; we exit with the
// shell's exit status when it ends.
//
//   example-shell HOST PORT USER KEYFILE
//
// On a terminal, ours is switched to raw mode for the session (so ^C, ^Z and the arrow keys
// reach the remote shell), its type, size and modes go into the pty request, and a resize
// is passed on. When stdin is a pipe, its end is passed on as EOF, as `ssh -tt` does; the
// shell still ends only when it decides to (OpenSSH's sshd ignores EOF on a terminal), so
// `echo 'ls; exit' | example-shell ...` needs its `exit`.
#include <sshlib/client.hpp>
#include <sshlib/terminal_modes_posix.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
using asio::use_awaitable;
using boost::system::error_code;

namespace {

sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

// The pty request for our terminal: $TERM, its size and its modes (RFC 4254 section 8).
sshlib::pty_settings local_pty() {
  sshlib::pty_settings pty;
  if (const char* term = std::getenv("TERM")) pty.term = term;
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    pty.cols = ws.ws_col;
    pty.rows = ws.ws_row;
    pty.width_px = ws.ws_xpixel;
    pty.height_px = ws.ws_ypixel;
  }
  termios tio{};
  if (::tcgetattr(STDIN_FILENO, &tio) == 0) {
    pty.modes = sshlib::encode_terminal_modes(sshlib::terminal_modes_from_termios(tio));
  }
  return pty;
}

// Raw mode on our terminal while it lives; the old settings come back on any exit path.
class raw_terminal {
 public:
  raw_terminal() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;  // not a terminal
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~raw_terminal() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  raw_terminal(const raw_terminal&) = delete;
  raw_terminal& operator=(const raw_terminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// Our stdin into the channel until stdin ends or is closed.
asio::awaitable<void> type_stdin(std::shared_ptr<asio::posix::stream_descriptor> in,
                                 sshlib::channel ch) {
  std::array<char, 4096> buf;
  for (;;) {
    error_code ec;
    const std::size_t n =
        co_await in->async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::eof) ch.send_eof();  // a pipe ended (a raw terminal sends ^D as a byte)
    if (ec) co_return;                          // or closed because the shell ended
    co_await asio::async_write(ch, asio::buffer(buf.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
}

asio::awaitable<int> run(sshlib::client& client, std::string host, std::uint16_t port,
                         sshlib::client_config config) {
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());

  // The seed's conn.shell(): a session with a pty-req, then "shell".
  sshlib::channel ch = co_await client.async_shell(use_awaitable, local_pty());
  raw_terminal raw;

  auto executor = co_await asio::this_coro::executor;
  auto in = std::make_shared<asio::posix::stream_descriptor>(executor, ::dup(STDIN_FILENO));
  asio::co_spawn(executor, type_stdin(in, ch), asio::detached);

  // A resized terminal tells the remote one (window-change, RFC 4254 section 6.7).
  asio::signal_set winch(executor, SIGWINCH);
  std::function<void()> watch_size = [&] {
    winch.async_wait([&](error_code wec, int) {
      if (wec) return;
      const auto pty = local_pty();
      ch.window_change(pty.rows, pty.cols, pty.height_px, pty.width_px);
      watch_size();
    });
  };
  watch_size();

  // The shell's output (stdout and stderr share the terminal) to ours, until it ends.
  asio::posix::stream_descriptor out(executor, ::dup(STDOUT_FILENO));
  std::array<char, 4096> buf;
  for (;;) {
    const std::size_t n =
        co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) break;  // eof: the shell exited
    co_await asio::async_write(out, asio::buffer(buf.data(), n), use_awaitable);
  }
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  in->close();  // ends type_stdin's pending read
  winch.cancel();
  client.end();

  const sshlib::exit_info& exit = ch.exit_status();
  if (exit.code) co_return static_cast<int>(*exit.code);
  std::cerr << "shell ended by signal " << (exit.signal.empty() ? "(none reported)" : exit.signal)
            << "\n";
  co_return 255;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: example-shell HOST PORT USER KEYFILE\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client client(io.get_executor());
    int status = 255;
    asio::co_spawn(
        io, run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])), std::move(config)),
        [&](std::exception_ptr e, int s) {
          if (e) std::rethrow_exception(e);
          status = s;
        });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "example-shell: " << e.what() << "\n";
    return 255;
  }
}
