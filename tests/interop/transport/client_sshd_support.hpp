// Shared by the tests of our client against a real sshd: connect one sshlib::client to one
// `sshd -i` and run the io_context until the connect completes (bounded, so a hang fails).
#pragma once

#include "support/sshd.hpp"
#include "support/temp_dir.hpp"

#include <sshlib/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

namespace sshlib::test {

struct connect_outcome {
  boost::system::error_code ec;
  std::optional<sshlib::error> detail;
  std::optional<negotiated_algorithms> negotiated;
  std::string server_identification;
};

/// Connects over a socketpair to `sshd -i` with sshd `-o` options; ends the connection after.
/// `inspect` runs on the connected client before it ends.
/// Runs on `io` (objects the config refers to, such as an agent, must use it too).
template <class Inspect>
connect_outcome connect_to_sshd_on(boost::asio::io_context& io, sshd_server& server, client_config config,
                                   const std::vector<std::string>& sshd_options, Inspect inspect) {
  io.restart();
  const int fd = server.connect(sshd_options);
  boost::asio::local::stream_protocol::socket socket(io);
  socket.assign(boost::asio::local::stream_protocol(), fd);
  client c(io.get_executor());
  connect_outcome out;
  bool done = false;
  c.async_connect(make_byte_stream(std::move(socket)), std::move(config), [&](boost::system::error_code ec) {
    out.ec = ec;
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(done) << "connect did not complete within 60 s";
  out.detail = c.last_error();
  out.negotiated = c.negotiated();
  out.server_identification = c.server_identification();
  if (done && !out.ec) inspect(c, io);
  c.end();
  io.restart();
  io.run_for(std::chrono::seconds(2));
  return out;
}

template <class Inspect>
connect_outcome connect_to_sshd(sshd_server& server, client_config config, const std::vector<std::string>& sshd_options,
                                Inspect inspect) {
  boost::asio::io_context io;
  return connect_to_sshd_on(io, server, std::move(config), sshd_options, std::move(inspect));
}

inline connect_outcome connect_to_sshd(sshd_server& server, client_config config,
                                       const std::vector<std::string>& sshd_options = {}) {
  return connect_to_sshd(server, std::move(config), sshd_options, [](client&, boost::asio::io_context&) {});
}

}  // namespace sshlib::test
