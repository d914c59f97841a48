// example-socks5: the ssh2 README's "Dynamic port forwarding using a SOCKSv5 proxy", like
// `ssh -D`: a small SOCKS5 server (RFC 1928: no authentication, CONNECT only, IPv4, IPv6
// and domain-name destinations) on a local port; each CONNECT becomes a direct-tcpip channel
// (the seed's forwardOut) from the SSH server to the destination, and sshlib::relay copies
// bytes both ways between the SOCKS client's socket and the channel.
//
//   example-socks5 HOST PORT USER KEYFILE [LISTEN_PORT]
//
// Listens on 127.0.0.1:LISTEN_PORT (default 0: any free port) and prints
// "SOCKSv5 proxy listening on 127.0.0.1:N" once ready; then, for example,
// `curl --socks5h 127.0.0.1:N http://intranet/` fetches a page the SSH server can reach (with
// --socks5h the SSH server resolves the name). One SSH connection carries every tunnel (the
// seed opens one per SOCKS client; both work). Runs until SIGINT or SIGTERM.
#include <sshlib/client.hpp>
#include <sshlib/relay.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

// RFC 1928 constants.
namespace socks5 {
constexpr std::uint8_t version = 0x05;
constexpr std::uint8_t method_no_auth = 0x00;
constexpr std::uint8_t method_none_acceptable = 0xff;
constexpr std::uint8_t command_connect = 0x01;
constexpr std::uint8_t address_ipv4 = 0x01, address_domain = 0x03, address_ipv6 = 0x04;
enum reply : std::uint8_t {  // section 6
  succeeded = 0x00,
  general_failure = 0x01,
  command_not_supported = 0x07,
  address_type_not_supported = 0x08,
};
}  // namespace socks5

// Limits: a client has this long to be connected to its destination, and this many may be
// connected at once (further ones are closed at once).
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr std::size_t max_clients = 64;

struct destination {
  std::string host;
  std::uint16_t port = 0;
};

// The reply (section 6). We do not know the address the SSH server bound for its outgoing
// connection, so BND.ADDR is 0.0.0.0:0, which clients ignore for CONNECT.
asio::awaitable<void> send_reply(tcp::socket& s, socks5::reply code) {
  const std::array<std::uint8_t, 10> reply{
      socks5::version, code, 0x00, socks5::address_ipv4, 0, 0, 0, 0, 0, 0};
  co_await asio::async_write(s, asio::buffer(reply), use_awaitable);
}

// Method negotiation (section 3) and the request (section 4). Every field has a fixed size
// or a one-byte length, so each read is bounded by the buffer it goes into. Returns nullopt
// after refusing (the caller then closes).
asio::awaitable<std::optional<destination>> handshake(tcp::socket& s) {
  std::array<std::uint8_t, 2> hello{};  // VER NMETHODS
  co_await asio::async_read(s, asio::buffer(hello), use_awaitable);
  if (hello[0] != socks5::version) co_return std::nullopt;  // not SOCKS5: no reply we could give
  std::array<std::uint8_t, 255> methods{};
  const auto offered = asio::buffer(methods.data(), hello[1]);
  co_await asio::async_read(s, offered, use_awaitable);
  const bool no_auth =
      std::count(methods.begin(), methods.begin() + hello[1], socks5::method_no_auth) > 0;
  const std::array<std::uint8_t, 2> choice{
      socks5::version, no_auth ? socks5::method_no_auth : socks5::method_none_acceptable};
  co_await asio::async_write(s, asio::buffer(choice), use_awaitable);
  if (!no_auth) co_return std::nullopt;

  std::array<std::uint8_t, 4> request{};  // VER CMD RSV ATYP
  co_await asio::async_read(s, asio::buffer(request), use_awaitable);
  if (request[0] != socks5::version) co_return std::nullopt;
  destination to;
  if (request[3] == socks5::address_ipv4) {
    asio::ip::address_v4::bytes_type a{};
    co_await asio::async_read(s, asio::buffer(a), use_awaitable);
    to.host = asio::ip::address_v4(a).to_string();
  } else if (request[3] == socks5::address_ipv6) {
    asio::ip::address_v6::bytes_type a{};
    co_await asio::async_read(s, asio::buffer(a), use_awaitable);
    to.host = asio::ip::address_v6(a).to_string();
  } else if (request[3] == socks5::address_domain) {
    std::uint8_t length = 0;  // 0..255 octets, no terminating NUL
    co_await asio::async_read(s, asio::buffer(&length, 1), use_awaitable);
    to.host.resize(length);
    co_await asio::async_read(s, asio::buffer(to.host), use_awaitable);
  } else {  // the length of an unknown address type is unknown: nothing more can be read
    co_await send_reply(s, socks5::address_type_not_supported);
    co_return std::nullopt;
  }
  std::array<std::uint8_t, 2> port{};  // network order
  co_await asio::async_read(s, asio::buffer(port), use_awaitable);
  to.port = static_cast<std::uint16_t>(port[0] << 8 | port[1]);

  if (request[1] != socks5::command_connect) {  // BIND and UDP ASSOCIATE are not offered
    co_await send_reply(s, socks5::command_not_supported);
    co_return std::nullopt;
  }
  if (to.host.empty() || to.host.find('\0') != std::string::npos) {  // not a usable name
    co_await send_reply(s, socks5::general_failure);
    co_return std::nullopt;
  }
  co_return to;
}

// Closes after a refusal without losing the reply: a socket closed with unread input sends
// a reset, which can destroy the reply before the client reads it. So: our end first, then
// read (and drop) what the client still sends until it closes too, or the deadline passes.
asio::awaitable<void> close_gracefully(tcp::socket& s) {
  error_code ec;
  s.shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 512> drain;
  while (!ec)
    co_await s.async_read_some(asio::buffer(drain), asio::redirect_error(use_awaitable, ec));
}

// One SOCKS client. Errors (the client went away, the handshake deadline closed its socket)
// end this coroutine with an exception, which co_spawn's `detached` discards; the socket
// closes with the coroutine.
asio::awaitable<void> serve(tcp::socket accepted, sshlib::client& ssh,
                            std::shared_ptr<std::size_t> clients) {
  struct slot {  // frees the client's place however the coroutine ends
    std::shared_ptr<std::size_t> n;
    ~slot() { --*n; }
  } taken{clients};

  // The deadline closes the socket unless the client is connected to its destination in
  // time (pending reads then fail). It holds a weak_ptr: once this coroutine is gone, it
  // touches nothing.
  auto socket = std::make_shared<tcp::socket>(std::move(accepted));
  asio::steady_timer deadline(socket->get_executor(), handshake_timeout);
  deadline.async_wait([weak = std::weak_ptr<tcp::socket>(socket)](error_code ec) {
    if (auto s = weak.lock(); s && !ec) s->close();
  });
  const std::optional<destination> to = co_await handshake(*socket);
  if (!to) {
    co_await close_gracefully(*socket);
    co_return;
  }

  // The SSH server connects to the destination; the origin it is told is our client's.
  const tcp::endpoint origin = socket->remote_endpoint();
  error_code ec;
  sshlib::channel ch =
      co_await ssh.async_forward_out(origin.address().to_string(), origin.port(), to->host,
                                     to->port, asio::redirect_error(use_awaitable, ec));
  std::cout << "CONNECT " << to->host << ":" << to->port
            << (ec ? " refused: " + ec.message() : " ok") << std::endl;
  if (ec) {
    // sshlib reports only that the server refused (its reason is in the client's debug
    // output), so the reply is the general one rather than "refused" or "unreachable".
    co_await send_reply(*socket, socks5::general_failure);
    co_await close_gracefully(*socket);
    co_return;
  }
  deadline.cancel();  // connected: from here on the client may take its time
  co_await send_reply(*socket, socks5::succeeded);

  // From here on the bytes are the application's: copy both ways until both ends are done.
  sshlib::relay relay(sshlib::make_byte_stream(std::move(*socket)),
                      sshlib::make_byte_stream(std::move(ch)));
  co_await relay.async_run(asio::redirect_error(use_awaitable, ec));
}

asio::awaitable<void> run(sshlib::client& ssh, std::string host, std::uint16_t port,
                          sshlib::client_config config, std::uint16_t listen_port) {
  error_code ec;
  co_await ssh.async_connect(host, port, std::move(config),
                             asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " + ssh.last_error().value_or(sshlib::error{ec}).message());

  auto executor = co_await asio::this_coro::executor;
  auto acceptor = std::make_shared<tcp::acceptor>(
      executor, tcp::endpoint(asio::ip::address_v4::loopback(), listen_port));
  std::cout << "SOCKSv5 proxy listening on 127.0.0.1:" << acceptor->local_endpoint().port()
            << std::endl;

  // SIGINT / SIGTERM, or the SSH connection ending, close the listener; open tunnels end
  // with the connection.
  auto stop = std::make_shared<asio::signal_set>(executor, SIGINT, SIGTERM);
  stop->async_wait([acceptor](error_code, int) { acceptor->close(); });
  ssh.async_wait_closed([acceptor, stop](error_code) {
    acceptor->close();
    stop->cancel();
  });

  auto clients = std::make_shared<std::size_t>(0);
  for (;;) {
    tcp::socket socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted) break;  // closed by the stop above
    if (ec || *clients >= max_clients) continue;      // refused by closing: too many at once
    ++*clients;
    asio::co_spawn(executor, serve(std::move(socket), ssh, clients), asio::detached);
  }
  ssh.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: example-socks5 HOST PORT USER KEYFILE [LISTEN_PORT]\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client ssh(io.get_executor());
    const auto listen_port = static_cast<std::uint16_t>(argc > 5 ? std::stoi(argv[5]) : 0);
    asio::co_spawn(io,
                   run(ssh, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])),
                       std::move(config), listen_port),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-socks5: " << e.what() << "\n";
    return 1;
  }
}
