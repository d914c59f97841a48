// example-subsystem: the ssh2 README's "Invoke an arbitrary subsystem": a session running a
// named subsystem (the seed's subsys, RFC 4254 section 6.5), such as "netconf" or "sftp".
// Our stdin goes to it (then EOF), its output comes to our stdout, until it closes.
//
//   example-subsystem HOST PORT USER KEYFILE SUBSYSTEM < request
//
// The server decides what a name runs (OpenSSH: a `Subsystem NAME COMMAND` line in
// sshd_config); an unknown name is refused. stdin must be a pipe or a terminal.
#include <sshlib/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

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

// Our stdin into the channel, then EOF (the seed's stream.end()). Arguments are taken by
// value (the channel is a shared handle): this coroutine may outlive run()'s frame.
asio::awaitable<void> send_stdin(std::shared_ptr<asio::posix::stream_descriptor> in,
                                 sshlib::channel ch) {
  std::array<char, 16384> buf;
  for (;;) {
    error_code ec;
    const std::size_t n =
        co_await in->async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::eof) ch.send_eof();
    if (ec) co_return;
    co_await asio::async_write(ch, asio::buffer(buf.data(), n),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }
}

// A stream of the channel (its data, or stderr_stream()) to one of our file descriptors.
template <class Stream>
asio::awaitable<void> receive(Stream from, int fd) {
  asio::posix::stream_descriptor to(co_await asio::this_coro::executor, ::dup(fd));
  std::array<char, 16384> buf;
  for (;;) {
    error_code ec;
    const std::size_t n =
        co_await from.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;  // eof
    co_await asio::async_write(to, asio::buffer(buf.data(), n), use_awaitable);
  }
}

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port,
                          sshlib::client_config config, std::string subsystem) {
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());

  sshlib::channel ch =
      co_await client.async_subsystem(subsystem, asio::redirect_error(use_awaitable, ec));
  if (ec) throw std::runtime_error("subsystem " + subsystem + ": " + ec.message());

  // Three copies at once: stdin to the subsystem, its stderr and its output back.
  auto executor = co_await asio::this_coro::executor;
  auto in = std::make_shared<asio::posix::stream_descriptor>(executor, ::dup(STDIN_FILENO));
  asio::co_spawn(executor, send_stdin(in, ch), asio::detached);
  asio::co_spawn(executor, receive(ch.stderr_stream(), STDERR_FILENO), asio::detached);
  co_await receive(ch, STDOUT_FILENO);
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  in->close();  // the subsystem may end before our stdin does
  client.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: example-subsystem HOST PORT USER KEYFILE SUBSYSTEM\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client client(io.get_executor());
    asio::co_spawn(io,
                   run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])),
                       std::move(config), argv[5]),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-subsystem: " << e.what() << "\n";
    return 1;
  }
}
