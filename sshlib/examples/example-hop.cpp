// example-hop: the ssh2 README's "Connection hopping": reach host B through host A, like
// `ssh -J A B`. We log in to A, ask A for a direct-tcpip channel to B's SSH port (the seed's
// forwardOut), and run a second SSH connection inside that channel (the seed's `sock`
// option): the channel is an Asio stream, so make_byte_stream() wraps it like a socket. A
// sees only encrypted bytes of the inner connection; B's host key is checked by us, not A.
//
//   example-hop A_HOST A_PORT B_HOST B_PORT USER KEYFILE [COMMAND]
//
// B_HOST is resolved by A (so it may be a name only A knows). The same user and key log in
// to both. Runs COMMAND (default `uptime`) on B, prints its output and exits with its
// status.
#include <sshlib/client.hpp>

#include <boost/asio/co_spawn.hpp>
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

sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

struct endpoint {
  std::string host;
  std::uint16_t port;
};

sshlib::client_config config_for(const std::string& label, const std::string& user,
                                 const sshlib::key& key) {
  sshlib::client_config config;
  config.username = user;
  config.private_key = key;
  config.host_verifier = [label](const sshlib::host_key_info& info, auto done) {
    std::cerr << label << " host key " << info.fingerprint_sha256 << " (not checked)\n";
    done(true);
  };
  return config;
}

asio::awaitable<int> run(sshlib::client& first, sshlib::client& second, endpoint a, endpoint b,
                         std::string user, sshlib::key key, std::string command) {
  error_code ec;
  co_await first.async_connect(a.host, a.port, config_for("FIRST", user, key),
                               asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("FIRST: " + first.last_error().value_or(sshlib::error{ec}).message());
  std::cout << "FIRST :: connection ready" << std::endl;

  // Alternatively, `nc B_HOST B_PORT` run with exec() gives a stream too, where a server
  // forbids TCP forwarding but allows commands.
  sshlib::channel tunnel = co_await first.async_forward_out(
      "127.0.0.1", 12345, b.host, b.port, asio::redirect_error(use_awaitable, ec));
  if (ec) throw std::runtime_error("FIRST :: forwardOut error: " + ec.message());

  co_await second.async_connect(sshlib::make_byte_stream(std::move(tunnel)),
                                config_for("SECOND", user, key),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("SECOND: " +
                             second.last_error().value_or(sshlib::error{ec}).message());
  std::cout << "SECOND :: connection ready" << std::endl;

  sshlib::channel ch = co_await second.async_exec(command, use_awaitable);
  std::array<char, 4096> buf;
  for (;;) {  // stdout only; example-exec-uptime shows stderr too
    const std::size_t n =
        co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    std::cout << std::string_view(buf.data(), n) << std::flush;
  }
  co_await ch.async_wait_closed(asio::redirect_error(use_awaitable, ec));
  second.end();
  first.end();  // ends the tunnel too
  co_return ch.exit_status().code ? static_cast<int>(*ch.exit_status().code) : 255;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: example-hop A_HOST A_PORT B_HOST B_PORT USER KEYFILE [COMMAND]\n";
    return 2;
  }
  try {
    const endpoint a{argv[1], static_cast<std::uint16_t>(std::stoi(argv[2]))};
    const endpoint b{argv[3], static_cast<std::uint16_t>(std::stoi(argv[4]))};
    asio::io_context io;
    // One executor for both: the inner connection's stream is a channel of the outer one.
    sshlib::client first(io.get_executor()), second(io.get_executor());
    int status = 255;
    asio::co_spawn(
        io, run(first, second, a, b, argv[5], load_key(argv[6]), argc > 7 ? argv[7] : "uptime"),
        [&](std::exception_ptr e, int s) {
          if (e) std::rethrow_exception(e);
          status = s;
        });
    io.run();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "example-hop: " << e.what() << "\n";
    return 255;
  }
}
