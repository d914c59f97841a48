// example-exec-uptime: the ssh2 README's first client example, "Execute 'uptime' on a
// server": log in with a private key, run one command, print what it writes to stdout and
// to stderr, then how it ended (exit code or signal).
//
//   example-exec-uptime HOST PORT USER KEYFILE [COMMAND]     (COMMAND defaults to uptime)
//
// Written as Asio coroutines: each co_await waits for one operation; an error throws
// boost::system::system_error unless the operation is given redirect_error.
#include <sshlib/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
using asio::use_awaitable;
using boost::system::error_code;

namespace {

// Reads an unencrypted private key (OpenSSH, PEM or PuTTY format).
sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

// Prints everything a stream delivers, each chunk prefixed with a label, until its end.
// The channel and its stderr_stream() are both Asio streams, so one template serves both.
template <class Stream>
asio::awaitable<void> print_all(Stream stream, std::string label) {
  std::array<char, 4096> buf;
  for (;;) {
    error_code ec;
    const std::size_t n =
        co_await stream.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;  // asio::error::eof: the command closed this stream
    std::cout << label << std::string_view(buf.data(), n) << std::flush;
  }
}

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port,
                          sshlib::client_config config, std::string command) {
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());
  std::cout << "Client :: ready\n";

  // The seed's conn.exec(): a session channel running the command. Its data is stdout.
  sshlib::channel ch = co_await client.async_exec(command, use_awaitable);

  // Read stdout and stderr at the same time (reading one to its end first could stall the
  // command once the other's SSH window is full). The last reader to finish reports.
  auto readers_left = std::make_shared<int>(2);
  auto on_reader_done = [ch, readers_left, &client](std::exception_ptr) mutable {
    if (--*readers_left > 0) return;
    ch.async_wait_closed([ch, &client](error_code) {
      const sshlib::exit_info& exit = ch.exit_status();  // exit-status / exit-signal
      std::cout << "Stream :: close :: code: " << (exit.code ? std::to_string(*exit.code) : "none")
                << ", signal: " << (exit.signal.empty() ? "none" : exit.signal) << "\n";
      client.end();  // the seed's conn.end(): DISCONNECT and close
    });
  };
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, print_all(ch, "STDOUT: "), on_reader_done);
  asio::co_spawn(executor, print_all(ch.stderr_stream(), "STDERR: "), on_reader_done);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: example-exec-uptime HOST PORT USER KEYFILE [COMMAND]\n";
    return 2;
  }
  try {
    sshlib::client_config config;
    config.username = argv[3];
    config.private_key = load_key(argv[4]);
    // The seed trusts any host key when no hostVerifier is given. Say what we trusted; a
    // real program compares the key with one it knows (see sshlib-exec --host-key, or
    // known_hosts.hpp).
    config.host_verifier = [](const sshlib::host_key_info& info, auto done) {
      std::cerr << "host key " << info.fingerprint_sha256 << " (not checked)\n";
      done(true);
    };

    asio::io_context io;
    sshlib::client client(io.get_executor());
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[2]));
    asio::co_spawn(io, run(client, argv[1], port, std::move(config), argc > 5 ? argv[5] : "uptime"),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);  // out of io.run(), into the catch below
                   });
    io.run();  // returns once the connection has ended and nothing is left to do
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-exec-uptime: " << e.what() << "\n";
    return 1;
  }
}
