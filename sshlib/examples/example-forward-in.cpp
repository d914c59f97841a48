// example-forward-in: the ssh2 README's "Forward local connections to port 8000 on the
// server to us": the SSH server listens (tcpip-forward, the seed's forwardIn, RFC 4254
// section 7.1) and hands each connection it accepts to us as a "forwarded-tcpip" channel,
// which we answer with a fixed HTTP response while printing what the peer sent.
//
//   example-forward-in HOST PORT USER KEYFILE [BIND_PORT]
//
// BIND_PORT defaults to 0: the server picks a free port, and we print it. The server binds
// 127.0.0.1 (connections come from the server's own host). Runs until SIGINT or SIGTERM,
// then cancels the forward and disconnects.
#include <sshlib/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
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

constexpr std::string_view greeting =
    "HTTP/1.1 404 Not Found\r\n"
    "Server: ForwardedConnection\r\n"
    "Content-Length: 0\r\n"
    "Connection: close\r\n"
    "\r\n";

// One connection the server accepted on our behalf (the seed's `tcp connection` event).
asio::awaitable<void> answer(sshlib::incoming_channel info) {
  // host/port: the forward it arrived on; origin_*: who connected to the server.
  std::cout << "TCP :: INCOMING CONNECTION: dest " << info.host << ":" << info.port << " src "
            << info.origin_host << ":" << info.origin_port << std::endl;
  sshlib::channel ch = info.accept();  // or info.reject(reason, text) to refuse it

  error_code ec;
  co_await asio::async_write(ch, asio::buffer(greeting), asio::redirect_error(use_awaitable, ec));
  ch.send_eof();  // the seed's stream.end(greeting): the peer sees the end of the response
  std::array<char, 4096> buf;
  while (!ec) {
    const std::size_t n =
        co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (!ec) std::cout << "TCP :: DATA: " << std::string_view(buf.data(), n) << std::endl;
  }
  ch.close();  // both sides have sent EOF
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  std::cout << "TCP :: CLOSED" << std::endl;
}

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port,
                          sshlib::client_config config, std::uint32_t bind_port) {
  auto executor = co_await asio::this_coro::executor;
  // Connections may arrive as soon as the forward exists, so the handler is set first.
  config.channel_open = [executor](sshlib::incoming_channel c) {
    if (c.type != "forwarded-tcpip")
      return c.reject(sshlib::channel_open_failure::unknown_channel_type, "unexpected");
    asio::co_spawn(executor, answer(std::move(c)), asio::detached);
  };
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());
  std::cout << "Client :: ready" << std::endl;

  const std::uint32_t bound =
      co_await client.async_forward_in("127.0.0.1", bind_port, use_awaitable);
  std::cout << "Listening for connections on server on port " << bound << "!" << std::endl;

  // Serve until we are told to stop, or the connection ends by itself.
  auto stop = std::make_shared<asio::signal_set>(executor, SIGINT, SIGTERM);
  auto ended = std::make_shared<bool>(false);
  client.async_wait_closed([stop, ended](error_code) {
    *ended = true;
    stop->cancel();
  });
  co_await stop->async_wait(asio::redirect_error(use_awaitable, ec));
  if (*ended) co_return;
  co_await client.async_unforward_in("127.0.0.1", bound, asio::redirect_error(use_awaitable, ec));
  client.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: example-forward-in HOST PORT USER KEYFILE [BIND_PORT]\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client client(io.get_executor());
    const auto bind_port = static_cast<std::uint32_t>(argc > 5 ? std::stoul(argv[5]) : 0);
    asio::co_spawn(io,
                   run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])),
                       std::move(config), bind_port),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-forward-in: " << e.what() << "\n";
    return 1;
  }
}
