// example-http-agent: the ssh2 README's "Make HTTP(S) connections easily using a custom
// http(s).Agent": an HTTP or HTTPS GET made with Boost.Beast, carried through an SSH server
// (sshlib::async_open_tunnel, a direct-tcpip channel). The channel is an Asio stream, so
// Beast reads and writes it like a socket, and asio::ssl::stream<sshlib::channel> adds TLS
// end to end (the SSH server relays ciphertext only).
//
//   example-http-agent HOST PORT USER KEYFILE URL [--ca FILE]
//
// URL is http://NAME[:PORT][/PATH] or https://...; NAME is resolved and connected to by the
// SSH server. HTTPS checks the certificate against the system's CAs, or only FILE's with
// --ca. Prints the status line and headers, then the body.
#include <sshlib/client.hpp>
#include <sshlib/tunnel.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::use_awaitable;
using boost::system::error_code;

namespace {

sshlib::key load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return sshlib::parse_key(sshlib::as_bytes(text)).value();
}

struct url {
  bool https = false;
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
};

url parse_url(const std::string& text) {  // scheme://host[:port][/path], no user info
  url u;
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    u.https = true;
    u.port = 443;
    rest = text.substr(8);
  } else {
    throw std::runtime_error("URL must start with http:// or https://");
  }
  const auto slash = rest.find('/');
  if (slash != std::string::npos) u.target = rest.substr(slash);
  u.host = rest.substr(0, slash);
  if (const auto colon = u.host.rfind(':'); colon != std::string::npos) {
    u.port = static_cast<std::uint16_t>(std::stoi(u.host.substr(colon + 1)));
    u.host.resize(colon);
  }
  if (u.host.empty()) throw std::runtime_error("URL has no host");
  return u;
}

// One GET over any stream: the tunnel itself, or TLS on top of it.
template <class Stream>
asio::awaitable<void> get(Stream& stream, const url& u) {
  http::request<http::empty_body> req{http::verb::get, u.target, 11};
  req.set(http::field::host,
          u.host + ((u.port == (u.https ? 443 : 80)) ? "" : ":" + std::to_string(u.port)));
  req.set(http::field::user_agent, "sshlib-example");
  req.set(http::field::connection, "close");  // as the seed's example asks
  co_await http::async_write(stream, req, use_awaitable);

  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, use_awaitable);
  std::cout << res.base() << res.body() << std::flush;
}

asio::awaitable<void> run(sshlib::client& client, std::string host, std::uint16_t port,
                          sshlib::client_config config, url u, std::string ca_file) {
  error_code ec;
  co_await client.async_connect(host, port, std::move(config),
                                asio::redirect_error(use_awaitable, ec));
  if (ec)
    throw std::runtime_error("connect: " +
                             client.last_error().value_or(sshlib::error{ec}).message());

  sshlib::channel tunnel =
      co_await sshlib::async_open_tunnel(client, u.host, u.port, use_awaitable);
  if (!u.https) {
    co_await get(tunnel, u);
    tunnel.close();
  } else {
    asio::ssl::context tls(asio::ssl::context::tls_client);
    if (ca_file.empty()) {
      tls.set_default_verify_paths();
    } else {
      tls.load_verify_file(ca_file);
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<sshlib::channel> https(std::move(tunnel), tls);
    if (!SSL_set_tlsext_host_name(https.native_handle(), u.host.c_str())) {  // SNI
      throw std::runtime_error("cannot set the TLS server name");
    }
    https.set_verify_callback(asio::ssl::host_name_verification(u.host));
    co_await https.async_handshake(asio::ssl::stream_base::client, use_awaitable);
    co_await get(https, u);
    // close_notify; servers often close without theirs after Connection: close, so an
    // error here (stream_truncated, eof) is no failure of the exchange above.
    co_await https.async_shutdown(asio::redirect_error(use_awaitable, ec));
    https.next_layer().close();
  }
  client.end();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && !(argc == 8 && std::string(argv[6]) == "--ca")) {
    std::cerr << "usage: example-http-agent HOST PORT USER KEYFILE URL [--ca FILE]\n";
    return 2;
  }
  try {
    sshlib::client_config config;  // SSH host key not checked: see example-exec-uptime
    config.username = argv[3];
    config.private_key = load_key(argv[4]);

    asio::io_context io;
    sshlib::client client(io.get_executor());
    asio::co_spawn(io,
                   run(client, argv[1], static_cast<std::uint16_t>(std::stoi(argv[2])),
                       std::move(config), parse_url(argv[5]), argc == 8 ? argv[7] : ""),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "example-http-agent: " << e.what() << "\n";
    return 1;
  }
}
