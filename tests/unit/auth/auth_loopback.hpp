// Our client and our server over a socketpair in one io_context, for authentication tests.
#pragma once

#include <sshlib/client.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>

namespace sshlib::test {

namespace asio = boost::asio;
using socket_t = asio::local::stream_protocol::socket;

struct auth_loopback {
  asio::io_context io;
  std::optional<boost::system::error_code> client_result, server_result;
  std::unique_ptr<server_connection> server;
  std::unique_ptr<client> cl;

  void run(client_config cc, server_config sc) {
    socket_t a(io), b(io);
    asio::local::connect_pair(a, b);
    if (sc.host_keys.empty()) sc.host_keys = {generate_key(key_type::ed25519).value()};
    sc.failure_delay = std::chrono::milliseconds(1);
    server = std::make_unique<server_connection>(make_byte_stream(std::move(b)), std::move(sc));
    server->async_handshake([this](boost::system::error_code ec) { server_result = ec; });
    cl = std::make_unique<client>(io.get_executor());
    cl->async_connect(make_byte_stream(std::move(a)), std::move(cc), [this](boost::system::error_code ec) {
      client_result = ec;
    });
    for (int i = 0; i < 200 && !(client_result && server_result); ++i) {
      io.restart();  // run_for stops for good once it runs out of work
      io.run_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(client_result && server_result) << "authentication did not finish";
  }
};

inline client_config user(std::string name) {
  client_config c;
  c.username = std::move(name);
  return c;
}

}  // namespace sshlib::test
