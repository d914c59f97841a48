// Connection-layer bad input from a misbehaving client, sent raw past our client's checks:
// unknown and closed channel ids, data beyond the window, oversized data packets end the
// connection with a precise protocol error; a malformed request is refused and its channel,
// and the connection's other channels, carry on.
#include "unit/auth/auth_loopback.hpp"

#include "connection/channel_messages.hpp"
#include "connection/client_impl.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

using boost::system::error_code;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  for (int i = 0; i < 400 && !done(); ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(25));
  }
  return done();
}

// A connected pair whose server accepts sessions (holding their channels and requests).
struct raw_pair : auth_loopback {
  std::vector<channel> server_channels;
  std::vector<std::string> requests;
  std::optional<error_code> server_end;

  raw_pair() {
    server_config sc;
    sc.authentication = [](auth_request r) { r.accept(); };
    sc.auth_methods = {"none"};
    sc.channel_open = [this](incoming_channel c) {
      auto ch = c.accept();
      ch.on_request([this](channel_request r) {
        requests.push_back(r.type() + ":" + r.text());
        r.accept();
      });
      server_channels.push_back(ch);
    };
    run(user("alice"), std::move(sc));
    server->async_wait_closed([this](error_code ec) { server_end = ec; });
  }
  channel open_session() {
    std::optional<channel> ch;
    cl->async_open_session([&](error_code ec, channel c) {
      EXPECT_FALSE(ec);
      ch = c;
    });
    EXPECT_TRUE(run_until(io, [&] { return ch.has_value(); }));
    return *ch;
  }
  // The server's id for its newest channel: what a client puts in "recipient channel".
  std::uint32_t server_id() { return server_channels.back().impl().local_id(); }
  void send_raw(const bytes& payload) { ASSERT_TRUE(cl->impl().core_->send(payload)); }
  std::string server_error() {
    EXPECT_TRUE(run_until(io, [&] { return server_end.has_value(); })) << "the server did not end the connection";
    return server->last_error() ? server->last_error()->detail : "";
  }
};

TEST(ConnectionBadInput, UnknownChannelIdEndsTheConnection) {
  raw_pair p;
  (void)p.open_session();
  p.send_raw(connection::make_eof(777));
  EXPECT_EQ(p.server_error(), "message 96 for unknown channel 777");
  EXPECT_EQ(*p.server_end, make_error_code(errc::protocol_error));
}

TEST(ConnectionBadInput, MessageAfterThePeersCloseIsAnError) {
  raw_pair p;
  auto ch = p.open_session();
  const std::uint32_t id = p.server_id();
  bool closed = false;
  ch.close();
  ch.async_wait_closed([&](error_code) { closed = true; });
  ASSERT_TRUE(run_until(p.io, [&] { return closed; }));
  p.send_raw(connection::make_channel_request(id, "exec", true, bytes{0, 0, 0, 1, 'x'}));
  EXPECT_EQ(p.server_error(), "message 98 for closed channel " + std::to_string(id));
}

TEST(ConnectionBadInput, DataBeyondTheWindowEndsTheConnection) {
  raw_pair p;
  (void)p.open_session();
  const std::uint32_t id = p.server_id();
  // Nobody reads on the server, so the 2 MiB window is never granted back.
  const bytes chunk(connection::limits::default_max_packet, 'w');
  for (std::size_t sent = 0; sent <= connection::limits::default_window; sent += chunk.size()) {
    bytes packet;
    connection::make_data(packet, id, 0, chunk);
    p.send_raw(packet);
  }
  const auto detail = p.server_error();
  EXPECT_NE(detail.find("bytes with a window of"), std::string::npos) << detail;
  EXPECT_EQ(*p.server_end, make_error_code(errc::window_exceeded));
}

TEST(ConnectionBadInput, OversizedDataPacketEndsTheConnection) {
  raw_pair p;
  (void)p.open_session();
  bytes packet;
  connection::make_data(packet, p.server_id(), 0, bytes(connection::limits::default_max_packet + 1, 'o'));
  p.send_raw(packet);
  const auto detail = p.server_error();
  EXPECT_NE(detail.find("CHANNEL_DATA"), std::string::npos) << detail;
}

TEST(ConnectionBadInput, MalformedRequestIsRefusedAndEveryChannelCarriesOn) {
  raw_pair p;
  auto first = p.open_session();
  auto second = p.open_session();
  // exec whose command length runs past the message: refused, not passed on.
  std::optional<error_code> refused;
  second.async_request("exec", true, bytes{0, 0, 1, 0, 'x'}, [&](error_code ec) { refused = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return refused.has_value(); }));
  EXPECT_EQ(*refused, make_error_code(errc::request_refused));
  EXPECT_TRUE(p.requests.empty());
  // Both channels still work both ways.
  std::optional<error_code> ok1, ok2;
  first.async_exec("one", [&](error_code ec) { ok1 = ec; });
  second.async_exec("two", [&](error_code ec) { ok2 = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return ok1 && ok2; }));
  EXPECT_FALSE(*ok1);
  EXPECT_FALSE(*ok2);
  EXPECT_EQ(p.requests, (std::vector<std::string>{"exec:one", "exec:two"}));
  std::string got;
  asio::async_write(p.server_channels[1], asio::buffer(std::string_view("still here")), [&](error_code, std::size_t) {
    p.server_channels[1].send_eof();
  });
  bool done = false;
  asio::async_read(second, asio::dynamic_buffer(got), [&](error_code, std::size_t) { done = true; });
  ASSERT_TRUE(run_until(p.io, [&] { return done; }));
  EXPECT_EQ(got, "still here");
  EXPECT_FALSE(p.server_end.has_value());
}

}  // namespace
}  // namespace sshlib::test
