// sshlib-sshd's forwarding (see forwarding.hpp): channel opens and global requests in, sockets
// out, and one sshlib::relay per forwarded connection.
#include "forwarding.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sshd {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using sshlib::channel_open_failure;

// A UNIX socket path we can bind or connect to: not empty, no NUL (a leading one would
// name Linux's abstract namespace), and short enough for sockaddr_un.
bool usable_socket_path(const std::string& path) {
  return !path.empty() && path.find('\0') == std::string::npos &&
         path.size() < sizeof(sockaddr_un{}.sun_path);
}

// Accepts until the acceptor is closed, handing each connection to `on_socket`. A failure
// other than a client that gave up mid-handshake stops the listener rather than spinning
// (EMFILE would fail again at once).
template <class Acceptor, class OnSocket>
void accept_loop(std::shared_ptr<Acceptor> acceptor, OnSocket on_socket, log_function log) {
  acceptor->async_accept([acceptor, on_socket = std::move(on_socket), log = std::move(log)](
                             error_code ec, auto socket) mutable {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec && ec != asio::error::connection_aborted) {
      log("forward listener stopped: " + ec.message());
      return;
    }
    if (!ec) on_socket(std::move(socket));
    accept_loop(std::move(acceptor), std::move(on_socket), std::move(log));
  });
}

std::string endpoint_text(const asio::ip::address& a, std::uint32_t port) {
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

}  // namespace

// One tcpip-forward: the address as the client asked for it (which is what forwarded-tcpip
// opens and the cancel name) and the port bound, on one or more addresses.
struct forwarding::tcp_listener {
  std::string address;
  std::uint32_t port = 0;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;

  void close() {
    error_code ignored;
    for (auto& a : acceptors) a->close(ignored);
  }
};

// A listening UNIX socket: a streamlocal forward or the agent socket. The socket file (and
// the directory made for it) go when it closes.
struct forwarding::unix_listener {
  std::string path;
  std::string directory;  // the agent's private directory, removed after the socket
  std::shared_ptr<unix_socket::acceptor> acceptor;
  bool bound = false;  // the socket file is ours to remove

  void close() {
    error_code ignored;
    if (acceptor) acceptor->close(ignored);
    if (std::exchange(bound, false)) ::unlink(path.c_str());
    if (!directory.empty()) ::rmdir(directory.c_str());
    directory.clear();
  }
};

forwarding::forwarding(asio::io_context& io, forwarding_settings settings, std::string peer,
                       log_function log)
    : io_(io), settings_(settings), peer_(std::move(peer)), log_(std::move(log)) {}

forwarding::~forwarding() {
  close();
}

void forwarding::attach(std::weak_ptr<sshlib::server_connection> connection) {
  connection_ = std::move(connection);
}

void forwarding::close() noexcept {
  if (closed_) return;
  closed_ = true;
  for (auto& l : tcp_listeners_) l->close();
  for (auto& l : unix_listeners_) l->close();
  if (agent_) agent_->close();
  tcp_listeners_.clear();
  unix_listeners_.clear();
  agent_.reset();
  // Moved out first: a relay's completion erases itself from relays_.
  auto relays = std::move(relays_);
  relays_.clear();
  for (auto& [id, r] : relays) r.close();
}

void forwarding::say(const std::string& line) const {
  log_(peer_ + ": " + line);
}

bool forwarding::admit() const {
  return relays_.size() + pending_ < max_forwarded_connections;
}

std::size_t forwarding::listener_count() const {
  return tcp_listeners_.size() + unix_listeners_.size() + listens_pending_;
}

// ---- local forwards: the client asks us to connect (RFC 4254 7.2, OpenSSH PROTOCOL 2.4) ----

bool forwarding::on_channel_open(sshlib::incoming_channel& in) {
  if (in.type == "direct-tcpip") {
    open_direct_tcp(std::move(in));
    return true;
  }
  if (in.type == "direct-streamlocal@openssh.com") {
    open_direct_streamlocal(std::move(in));
    return true;
  }
  return false;
}

void forwarding::open_direct_tcp(sshlib::incoming_channel in) {
  if (!settings_.tcp) {
    say("direct-tcpip to " + in.host + ":" + std::to_string(in.port) + " refused (disabled)");
    return in.reject(channel_open_failure::administratively_prohibited,
                     "TCP forwarding is disabled on this server");
  }
  if (closed_ || !admit()) {
    return in.reject(channel_open_failure::resource_shortage,
                     "too many forwarded connections (at most " +
                         std::to_string(max_forwarded_connections) + ")");
  }
  if (in.port > 65535 || in.host.empty()) {
    return in.reject(channel_open_failure::connect_failed, "no such host or port");
  }
  ++pending_;
  asio::co_spawn(io_, connect_tcp(shared_from_this(), std::move(in)), asio::detached);
}

// Resolves and connects first, and only then confirms the channel, as sshd does: a client
// learns of a failed connect from the open failure and its reason.
asio::awaitable<void> forwarding::connect_tcp(std::shared_ptr<forwarding> /*keeps us alive*/,
                                              sshlib::incoming_channel in) {
  const std::string target = in.host + ":" + std::to_string(in.port);
  error_code ec;
  tcp::resolver resolver(io_);
  const auto found = co_await resolver.async_resolve(in.host, std::to_string(in.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
  tcp::socket socket(io_);
  if (!ec)
    co_await asio::async_connect(socket, found, asio::redirect_error(asio::use_awaitable, ec));
  --pending_;
  if (!ec && closed_) ec = asio::error::operation_aborted;
  if (ec) {
    if (settings_.verbose) say("direct-tcpip to " + target + " failed: " + ec.message());
    in.reject(channel_open_failure::connect_failed,
              "cannot connect to " + target + ": " + ec.message());
    co_return;
  }
  start_relay(in.accept(), sshlib::make_byte_stream(std::move(socket)), "direct-tcpip " + target);
}

void forwarding::open_direct_streamlocal(sshlib::incoming_channel in) {
  if (!settings_.streamlocal) {
    say("direct-streamlocal to " + in.socket_path + " refused (disabled)");
    return in.reject(channel_open_failure::administratively_prohibited,
                     "UNIX-socket forwarding is disabled on this server");
  }
  if (closed_ || !admit()) {
    return in.reject(channel_open_failure::resource_shortage,
                     "too many forwarded connections (at most " +
                         std::to_string(max_forwarded_connections) + ")");
  }
  if (!usable_socket_path(in.socket_path)) {
    return in.reject(channel_open_failure::connect_failed, "not a usable socket path");
  }
  ++pending_;
  asio::co_spawn(io_, connect_unix(shared_from_this(), std::move(in)), asio::detached);
}

asio::awaitable<void> forwarding::connect_unix(std::shared_ptr<forwarding> /*keeps us alive*/,
                                               sshlib::incoming_channel in) {
  error_code ec;
  unix_socket::socket socket(io_);
  co_await socket.async_connect(unix_socket::endpoint(in.socket_path),
                                asio::redirect_error(asio::use_awaitable, ec));
  --pending_;
  if (!ec && closed_) ec = asio::error::operation_aborted;
  if (ec) {
    if (settings_.verbose) say("direct-streamlocal to " + in.socket_path + ": " + ec.message());
    in.reject(channel_open_failure::connect_failed,
              "cannot connect to " + in.socket_path + ": " + ec.message());
    co_return;
  }
  start_relay(in.accept(), sshlib::make_byte_stream(std::move(socket)),
              "direct-streamlocal " + in.socket_path);
}

// ---- relays ----------------------------------------------------------------------------------

void forwarding::start_relay(sshlib::channel ch, std::unique_ptr<sshlib::byte_stream> local,
                             std::string what) {
  const std::uint64_t id = next_relay_++;
  auto& r =
      relays_.emplace(id, sshlib::relay(sshlib::make_byte_stream(std::move(ch)), std::move(local)))
          .first->second;
  if (settings_.verbose) say(what + " started");
  r.async_run(
      [weak = weak_from_this(), id, what = std::move(what)](error_code ec, sshlib::relay_counts c) {
        auto self = weak.lock();
        if (!self) return;
        self->relays_.erase(id);
        if (self->settings_.verbose) {
          self->say(what + " ended (" + std::to_string(c.a_to_b) + " bytes in, " +
                    std::to_string(c.b_to_a) + " out" + (ec ? ", " + ec.message() : "") + ")");
        }
      });
}

auto forwarding::when_open(std::unique_ptr<sshlib::byte_stream> local, std::string what) {
  ++pending_;
  return [weak = weak_from_this(), local = std::move(local), what = std::move(what)](
             error_code ec, sshlib::channel ch) mutable {
    auto self = weak.lock();
    if (!self) return;
    --self->pending_;
    if (!ec && self->closed_) {
      ch.close();
      return;
    }
    if (ec) {
      if (self->settings_.verbose) self->say(what + ": the client refused: " + ec.message());
      return;  // `local` closes as it goes
    }
    self->start_relay(std::move(ch), std::move(local), std::move(what));
  };
}

// ---- remote TCP forwards (RFC 4254 section 7.1) ------------------------------------------------

void forwarding::on_global_request(sshlib::global_request req) {
  const std::string& name = req.name();
  if (name == "tcpip-forward") {
    ++listens_pending_;  // counted before the first suspension, so a burst cannot pass the cap
    return asio::co_spawn(io_, listen_tcp(shared_from_this(), std::move(req)), asio::detached);
  }
  if (name == "cancel-tcpip-forward") return cancel_tcp(std::move(req));
  if (name == "streamlocal-forward@openssh.com") return listen_streamlocal(std::move(req));
  if (name == "cancel-streamlocal-forward@openssh.com") return cancel_streamlocal(std::move(req));
  if (settings_.verbose) say("global request " + name + " refused (unknown)");
  req.reject();
}

// Where a remote forward listens. Without gateway_ports always loopback, whatever was asked
// (sshd's GatewayPorts no); with it, what the client names: "" and "*" every address of
// both families, "localhost" loopback, an address literal itself, a name its addresses.
asio::awaitable<std::vector<asio::ip::address>> forwarding::bind_addresses(
    const std::string& requested, std::string& why) {
  const std::vector<asio::ip::address> loopback{asio::ip::address_v4::loopback(),
                                                asio::ip::address_v6::loopback()};
  if (!settings_.gateway_ports || requested == "localhost") co_return loopback;
  if (requested.empty() || requested == "*") {
    co_return std::vector<asio::ip::address>{asio::ip::address_v4::any(),
                                             asio::ip::address_v6::any()};
  }
  error_code ec;
  const auto literal = asio::ip::make_address(requested, ec);
  if (!ec) co_return std::vector<asio::ip::address>{literal};
  tcp::resolver resolver(io_);
  const auto found = co_await resolver.async_resolve(requested, "", tcp::resolver::passive,
                                                     asio::redirect_error(asio::use_awaitable, ec));
  std::vector<asio::ip::address> out;
  if (ec) why = "cannot resolve " + requested + ": " + ec.message();
  for (const auto& e : found) out.push_back(e.endpoint().address());
  co_return out;
}

asio::awaitable<void> forwarding::listen_tcp(std::shared_ptr<forwarding> /*keeps us alive*/,
                                             sshlib::global_request req) {
  const std::string where = req.bind_address() + ":" + std::to_string(req.bind_port());
  std::string why;
  auto l = std::make_shared<tcp_listener>();
  l->address = req.bind_address();
  if (!settings_.tcp) {
    why = "TCP forwarding is disabled";
  } else if (listener_count() > max_forward_listeners) {
    why = "too many forwards (at most " + std::to_string(max_forward_listeners) + ")";
  } else if (req.bind_port() > 65535) {
    why = "port out of range";
  } else {
    const auto addresses = co_await bind_addresses(req.bind_address(), why);
    // The first address fixes the port when 0 was asked; the others use the same one.
    auto port = static_cast<std::uint16_t>(req.bind_port());
    for (const auto& a : addresses) {
      auto acceptor = std::make_shared<tcp::acceptor>(io_);
      error_code ec;
      const tcp::endpoint at(a, port);
      acceptor->open(at.protocol(), ec);
      if (!ec && a.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
      if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor->bind(at, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        // Loopback IPv6 may be missing; one bound address is enough, as for sshd.
        if (why.empty()) why = "cannot listen on " + endpoint_text(a, port) + ": " + ec.message();
        continue;
      }
      port = acceptor->local_endpoint().port();
      l->acceptors.push_back(std::move(acceptor));
    }
    l->port = port;
  }
  --listens_pending_;
  if (closed_ || l->acceptors.empty()) {
    l->close();
    say("tcpip-forward " + where + " refused: " + (why.empty() ? "connection closed" : why));
    req.reject();
    co_return;
  }
  for (const auto& a : l->acceptors) {
    accept_loop(
        a,
        [weak = weak_from_this(), address = l->address, port = l->port](tcp::socket s) {
          if (auto me = weak.lock()) me->forward_tcp_connection(std::move(s), address, port);
        },
        [weak = weak_from_this()](const std::string& line) {
          if (auto me = weak.lock()) me->say(line);
        });
  }
  tcp_listeners_.push_back(l);
  say("remote forward " + where + " listening on port " + std::to_string(l->port));
  if (req.bind_port() == 0) {
    req.accept(l->port);  // RFC 4254 7.1: the reply names the port only when 0 was asked
  } else {
    req.accept();
  }
}

void forwarding::cancel_tcp(sshlib::global_request req) {
  for (auto it = tcp_listeners_.begin(); it != tcp_listeners_.end(); ++it) {
    if ((*it)->address == req.bind_address() && (*it)->port == req.bind_port()) {
      (*it)->close();
      tcp_listeners_.erase(it);
      if (settings_.verbose)
        say("remote forward " + req.bind_address() + ":" + std::to_string(req.bind_port()) +
            " cancelled");
      return req.accept();
    }
  }
  req.reject();
}

void forwarding::forward_tcp_connection(tcp::socket socket, const std::string& address,
                                        std::uint32_t port) {
  auto connection = connection_.lock();
  if (!connection || closed_) return;
  if (!admit()) {
    say("forwarded connection to port " + std::to_string(port) + " dropped: too many");
    return;
  }
  error_code ec;
  const auto from = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  connection->async_forward_out(
      address, port, from.address().to_string(), from.port(),
      when_open(sshlib::make_byte_stream(std::move(socket)),
                "forwarded-tcpip " + address + ":" + std::to_string(port)));
}

// ---- remote UNIX-socket forwards (OpenSSH PROTOCOL 2.4) ----------------------------------------

void forwarding::listen_streamlocal(sshlib::global_request req) {
  const std::string path = req.socket_path();
  std::string why;
  if (!settings_.streamlocal) {
    why = "UNIX-socket forwarding is disabled";
  } else if (closed_ || listener_count() >= max_forward_listeners) {
    why = "too many forwards (at most " + std::to_string(max_forward_listeners) + ")";
  } else if (!usable_socket_path(path)) {
    why = "not a usable socket path";
  }
  auto l = std::make_shared<unix_listener>();
  l->path = path;
  l->acceptor = std::make_shared<unix_socket::acceptor>(io_);
  if (why.empty()) {
    struct stat st {};
    // Like sshd, only a socket is ever removed, and only when asked to.
    if (settings_.streamlocal_bind_unlink && ::lstat(path.c_str(), &st) == 0 &&
        S_ISSOCK(st.st_mode)) {
      ::unlink(path.c_str());
    }
    error_code ec;
    l->acceptor->open(unix_socket(), ec);
    if (!ec) l->acceptor->bind(unix_socket::endpoint(path), ec);
    l->bound = !ec;
    // Owner only, as sshd's default StreamLocalBindMask 0177 leaves it (chmod: the umask is
    // process-wide and other threads may be creating files).
    if (!ec && ::chmod(path.c_str(), S_IRUSR | S_IWUSR) != 0) {
      ec.assign(errno, boost::system::system_category());
    }
    if (!ec) l->acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      why = "cannot listen on " + path + ": " + ec.message();
      l->close();
    }
  }
  if (!why.empty()) {
    say("streamlocal-forward " + path + " refused: " + why);
    return req.reject();
  }
  accept_loop(
      l->acceptor,
      [weak = weak_from_this(), path](unix_socket::socket s) {
        if (auto me = weak.lock()) me->forward_unix_connection(std::move(s), path);
      },
      [weak = weak_from_this()](const std::string& line) {
        if (auto me = weak.lock()) me->say(line);
      });
  unix_listeners_.push_back(l);
  say("remote forward " + path + " listening");
  req.accept();
}

void forwarding::cancel_streamlocal(sshlib::global_request req) {
  for (auto it = unix_listeners_.begin(); it != unix_listeners_.end(); ++it) {
    if ((*it)->path == req.socket_path()) {
      (*it)->close();
      unix_listeners_.erase(it);
      return req.accept();
    }
  }
  req.reject();
}

void forwarding::forward_unix_connection(unix_socket::socket socket, const std::string& path) {
  auto connection = connection_.lock();
  if (!connection || closed_) return;
  if (!admit()) {
    say("forwarded connection to " + path + " dropped: too many");
    return;
  }
  connection->async_forward_out_streamlocal(
      path,
      when_open(sshlib::make_byte_stream(std::move(socket)), "forwarded-streamlocal " + path));
}

// ---- agent forwarding (OpenSSH PROTOCOL 1.x auth-agent@openssh.com) ---------------------------

std::optional<std::string> forwarding::agent_socket(std::string& why) {
  if (!settings_.agent) {
    why = "agent forwarding is disabled";
    return std::nullopt;
  }
  if (closed_) {
    why = "the connection is closing";
    return std::nullopt;
  }
  if (agent_) return agent_->path;
  // A directory only we can enter guards the socket (its own mode is set after bind).
  char dir[] = "/tmp/sshlib-sshd-XXXXXX";
  if (::mkdtemp(dir) == nullptr) {
    why = std::string("mkdtemp: ") + std::strerror(errno);
    return std::nullopt;
  }
  auto l = std::make_shared<unix_listener>();
  l->directory = dir;
  l->path = l->directory + "/agent." + std::to_string(::getpid());
  l->acceptor = std::make_shared<unix_socket::acceptor>(io_);
  error_code ec;
  l->acceptor->open(unix_socket(), ec);
  if (!ec) l->acceptor->bind(unix_socket::endpoint(l->path), ec);
  l->bound = !ec;
  if (!ec && ::chmod(l->path.c_str(), S_IRUSR | S_IWUSR) != 0) {
    ec.assign(errno, boost::system::system_category());
  }
  if (!ec) l->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    why = "agent socket " + l->path + ": " + ec.message();
    l->close();  // and the directory
    return std::nullopt;
  }
  accept_loop(
      l->acceptor,
      [weak = weak_from_this()](unix_socket::socket s) {
        if (auto me = weak.lock()) me->forward_agent_connection(std::move(s));
      },
      [weak = weak_from_this()](const std::string& line) {
        if (auto me = weak.lock()) me->say(line);
      });
  agent_ = l;
  if (settings_.verbose) say("agent socket " + l->path);
  return l->path;
}

void forwarding::forward_agent_connection(unix_socket::socket socket) {
  auto connection = connection_.lock();
  if (!connection || closed_) return;
  if (!admit()) {
    say("agent connection dropped: too many forwarded connections");
    return;
  }
  connection->async_open_agent(when_open(sshlib::make_byte_stream(std::move(socket)), "agent"));
}

}  // namespace sshd
