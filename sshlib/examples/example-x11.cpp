// example-x11: the ssh2 README's "Forward remote X11 connections", like `ssh -X`: a command
// runs on the server with X11 forwarding (x11-req, RFC 4254 section 6.3); each X client it
// starts connects to the display the server made up ($DISPLAY there, e.g. localhost:10.0),
// which the server sends back to us as an "x11" channel; we connect it to our X display and
// relay bytes both ways.
//
//   example-x11 HOST PORT USER KEYFILE DISPLAY COMMAND
//
// DISPLAY is our X server, as in $DISPLAY: ":N" (the UNIX socket /tmp/.X11-unix/XN) or
// "HOST:N" (TCP port 6000+N). Prints COMMAND's output and exits with its status.
//
// Authentication: the cookie sent in x11-req is what remote X clients will present; we send
// a random one and relay each connection as it is (as the seed does), so the X server must
// not check cookies (Xvfb -ac, or `xhost +local:`). OpenSSH's ssh -X instead swaps its fake
// cookie for the real one in each connection's first packet.
#include <sshlib/client.hpp>
#include <sshlib/relay.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>

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

// Where our X server is: a UNIX socket path, or a TCP host and port.
struct display {
  std::string unix_path;
  std::string host;
  std::uint16_t port = 0;
};

display parse_display(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("DISPLAY must look like :N or HOST:N");
  const std::string host = text.substr(0, colon);
  const int number = std::stoi(text.substr(colon + 1));  // stops at the screen's '.'
  if (number < 0 || number > 59535) throw std::runtime_error("bad display number");
  if (host.empty() || host == "unix") return {"/tmp/.X11-unix/X" + std::to_string(number), {}, 0};
  return {{}, host, static_cast<std::uint16_t>(6000 + number)};
}

// Connects to our X server, as a byte_stream (the relay does not care which kind).
asio::awaitable<std::unique_ptr<sshlib::byte_stream>> connect_display(const display& d) {
  auto executor = co_await asio::this_coro::executor;
  if (!d.unix_path.empty()) {
    asio::local::stream_protocol::socket s(executor);
    co_await s.async_connect({d.unix_path}, use_awaitable);
    co_return sshlib::make_byte_stream(std::move(s));
  }
  asio::ip::tcp::resolver resolver(executor);
  asio::ip::tcp::socket s(executor);
  const auto addresses =
      co_await resolver.async_resolve(d.host, std::to_string(d.port), use_awaitable);
  co_await asio::async_connect(s, addresses, use_awaitable);
  co_return sshlib::make_byte_stream(std::move(s));
}

// One X client on the server (the seed's `x11` event). Like the seed, reach our X server
// first and accept the channel only then, so a display that is down refuses it cleanly.
asio::awaitable<void> forward_x11(sshlib::incoming_channel open, display d) {
  std::unique_ptr<sshlib::byte_stream> x_server;
  try {
    x_server = co_await connect_display(d);
  } catch (const boost::system::system_error& e) {
    std::cerr << "X11 :: cannot reach the display: " << e.what() << "\n";
    open.reject(sshlib::channel_open_failure::connect_failed, "X display unreachable");
    co_return;
  }
  std::cerr << "X11 :: connection from " << open.origin_host << ":" << open.origin_port << "\n";
  sshlib::relay relay(std::move(x_server), sshlib::make_byte_stream(open.accept()));
  error_code ec;
  const sshlib::relay_counts counts =
      co_await relay.async_run(asio::redirect_error(use_awaitable, ec));
  std::cerr << "X11 :: closed after " << counts.b_to_a << " bytes from the X client, "
            << counts.a_to_b << " from the X server\n";
}

std::string random_cookie() {  // 128 bits as hex: MIT-MAGIC-COOKIE-1's size
  std::random_device rd;
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto byte = rd() & 0xff;
    hex += digits[byte >> 4];
    hex += digits[byte & 0xf];
  }
  return hex;
}

asio::awaitable<int> run(sshlib::client& client, std::string host, std::uint16_t port,
                         sshlib::client_config config, display d, std::string command) {
  auto executor = co_await asio::this_coro::executor;
  // X11 channels are opened by the server; the library refuses them unless a session of
  // ours asked for X11 forwarding.
  config.channel_open = [executor, d](sshlib::incoming_channel c) {
    if (c.type != "x11")
      return c.reject(sshlib::channel_open_failure::unknown_channel_type, "unexpected");
    asio::co_spawn(executor, forward_x11(std::move(c), d), asio::detached);
  };
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());

  // The seed's exec(cmd, { x11: true }): a session, x11-req on it, then exec.
  sshlib::channel ch = co_await client.async_open_session(use_awaitable);
  sshlib::x11_settings x11;
  x11.auth_cookie = random_cookie();
  co_await ch.async_request_x11(x11, asio::redirect_error(use_awaitable, ec));
  if (ec)
    std::cerr << "the server refused X11 forwarding (sshd: X11Forwarding yes, xauth installed?)\n";
  co_await ch.async_exec(command, use_awaitable);

  std::array<char, 4096> buf;
  for (;;) {
    const std::size_t n =
        co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    std::cout << std::string_view(buf.data(), n) << std::flush;
  }
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  client.end();  // also ends X connections still open
  const auto& exit = ch.exit_status();
  co_return exit.code ? static_cast<int>(*exit.code) : 255;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: example-x11 HOST PORT USER KEYFILE DISPLAY COMMAND\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client client(io.get_executor());
    int status = 255;
    asio::co_spawn(io,
                   run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])),
                       std::move(config), parse_display(argv[5]), argv[6]),
                   [&](std::exception_ptr e, int s) {
                     if (e) std::rethrow_exception(e);
                     status = s;
                   });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "example-x11: " << e.what() << "\n";
    return 255;
  }
}
