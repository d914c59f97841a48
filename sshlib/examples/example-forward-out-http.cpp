// example-forward-out-http: the ssh2 README's "Send a raw HTTP request to port 80 on the
// server": a direct-tcpip channel (the seed's forwardOut, RFC 4254 section 7.2) from the SSH
// server to a web server, a hand-written HTTP request into it, and the response printed.
//
//   example-forward-out-http HOST PORT USER KEYFILE TARGET_HOST TARGET_PORT [PATH]
//
// TARGET_HOST is resolved and connected to by the SSH server ("127.0.0.1" is the server
// itself). Prints the response as it arrives, then "TCP :: CLOSED".
#include <sshlib/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
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

struct target {
  std::string host;
  std::uint16_t port;
  std::string path;
};

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port,
                          sshlib::client_config config, target to) {
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());
  std::cout << "Client :: ready\n";

  // The origin (here 127.0.0.1:8000, as in the seed) is only what the server is told the
  // connection comes from; the server connects to to.host:to.port.
  sshlib::channel ch =
      co_await client.async_forward_out("127.0.0.1", 8000, to.host, to.port, use_awaitable);

  const std::string request =
      "GET " + to.path + " HTTP/1.1\r\n" + "Host: " + to.host + "\r\n" +
      "User-Agent: sshlib-example\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  co_await asio::async_write(ch, asio::buffer(request), use_awaitable);
  ch.send_eof();  // the seed's stream.end(): we send nothing more (the server half-closes)

  std::array<char, 4096> buf;
  for (;;) {
    const std::size_t n =
        co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) break;  // eof: the web server closed the connection
    std::cout << std::string_view(buf.data(), n) << std::flush;
  }
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  std::cout << "\nTCP :: CLOSED\n";
  client.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: example-forward-out-http HOST PORT USER KEYFILE TARGET_HOST TARGET_PORT "
                 "[PATH]\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);
    target to{argv[5], static_cast<std::uint16_t>(std::stoi(argv[6])), argc > 7 ? argv[7] : "/"};

    asio::io_context io;
    sshlib::client client(io.get_executor());
    asio::co_spawn(
        io,
        run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])), std::move(config), to),
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-forward-out-http: " << e.what() << "\n";
    return 1;
  }
}
