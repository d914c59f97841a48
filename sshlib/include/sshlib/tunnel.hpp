// Tunnels: an Asio stream to host:port through an SSH server (direct-tcpip, RFC 4254
// section 7.2), the counterpart of the seed's HTTPAgent / HTTPSAgent. The stream is the
// sshlib::channel itself: it is an AsyncReadStream and AsyncWriteStream, so any Asio or
// Boost.Beast algorithm runs over it unchanged.
//
// HTTP with Boost.Beast over a tunnel (inside a coroutine on the client's executor):
//
//   sshlib::channel ch = co_await sshlib::async_open_tunnel(client, "intranet", 80, use_awaitable);
//   http::request<http::empty_body> req{http::verb::get, "/", 11};
//   req.set(http::field::host, "intranet");
//   req.set(http::field::connection, "close");
//   co_await http::async_write(ch, req, use_awaitable);
//   beast::flat_buffer buffer;
//   http::response<http::string_body> res;
//   co_await http::async_read(ch, buffer, res, use_awaitable);
//
// HTTPS: put TLS on top with asio::ssl::stream<sshlib::channel> (the channel is the next
// layer, so TLS is end to end between us and the web server; the SSH server only sees
// ciphertext):
//
//   asio::ssl::context tls(asio::ssl::context::tls_client);
//   tls.set_default_verify_paths();
//   tls.set_verify_mode(asio::ssl::verify_peer);
//   asio::ssl::stream<sshlib::channel> https(std::move(ch), tls);
//   SSL_set_tlsext_host_name(https.native_handle(), "intranet");          // SNI
//   https.set_verify_callback(asio::ssl::host_name_verification("intranet"));
//   co_await https.async_handshake(asio::ssl::stream_base::client, use_awaitable);
//   ... http::async_write(https, ...), http::async_read(https, ...) as above ...
//
// Ending: a channel copy shares the channel, so keep one handle and call close() (or
// send_eof() to half-close) when done; the channel also closes with its connection.
// Several tunnels may be open on one client at once, each its own channel; the server's
// policy decides where they may go (OpenSSH: AllowTcpForwarding, PermitOpen).
#pragma once

#include <sshlib/channel.hpp>
#include <sshlib/client.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace sshlib {

/// Opens a direct-tcpip channel from `c`'s server to `host`:`port` and completes with it as
/// a stream (the seed's forwardOut as used by its HTTPAgent). `origin_host`/`origin_port`
/// are what the server is told the connection comes from (servers log them; OpenSSH does not
/// check them). `c` must be authenticated and outlive the channel's use; `host` is resolved
/// by the server, not by us.
/// Completion: void(boost::system::error_code, sshlib::channel). Errors:
/// channel_open_failed (the server refused or could not connect: sshd's AllowTcpForwarding,
/// PermitOpen, or a connect failure on its side), connection_closed, too_many_channels.
template <class Token>
auto async_open_tunnel(client& c, std::string host, std::uint16_t port, std::string origin_host,
                       std::uint16_t origin_port, Token&& token) {
  return c.async_forward_out(std::move(origin_host), origin_port, std::move(host), port,
                             std::forward<Token>(token));
}

/// As above, telling the server the connection comes from 127.0.0.1 port 0 (no local socket
/// stands behind a tunnel opened by a program).
template <class Token>
auto async_open_tunnel(client& c, std::string host, std::uint16_t port, Token&& token) {
  return async_open_tunnel(c, std::move(host), port, "127.0.0.1", 0, std::forward<Token>(token));
}

}  // namespace sshlib
