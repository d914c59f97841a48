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
// Sessions (sshd/session.cpp): pty-req (openpty, the client's terminal modes applied, its window
// size), env (names matching an --allow-env pattern; default LANG and LC_*; --set-env values are
// set last, over everything, like sshd's SetEnv), exec and shell (the user's shell, `-c command`
// for exec, in the user's home directory), window-change, signal (to the command's process group),
// exit-status / exit-signal, then EOF and CLOSE. The sftp subsystem serves the tree under
// --sftp-root, confined to it (sshlib::sftp_server); without --sftp-root it is refused with a
// message.
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

#include "sshd/common.hpp"
#include "sshd/forwarding.hpp"
#include "sshd/options.hpp"
#include "sshd/session.hpp"

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
#include <malloc.h>
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
using asio::ip::tcp;
using boost::system::error_code;
using sshd::connection_info;
using sshd::log_line;
using sshd::login_user;
using sshd::options;
using sshd::parse_options;
using sshd::server_state;
using sshd::usage;
using sshd::worker;

// ---- limits and settings ------------------------------------------------------------

constexpr std::size_t max_file_size = 1024 * 1024;  // key, authorized_keys and password files

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
    sshd::start_session(w, s, info, in.accept());
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
  // Freed buffers stay for reuse (glibc would unmap blocks over 128 KiB and trim each
  // thread's heap at once: a page fault per page of every new buffer); see proxy/src/main.cpp.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
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
