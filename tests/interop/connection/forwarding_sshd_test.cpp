// Our client's forwarding against Debian's sshd: remote TCP forwards (port 0 and the port
// sshd picks, cancel), remote and local UNIX-socket forwards, agent forwarding (from our
// memory_agent and from a real ssh-agent) that ssh-add on the server can use, and
// no-more-sessions as sshd enforces it.
#include "../agent/agent_interop_support.hpp"
#include "../transport/client_sshd_support.hpp"

#include <sshlib/agent.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

class ForwardingOnSshd : public ::testing::Test {
protected:
  void SetUp() override {
    if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    server_ = std::make_unique<sshd_server>(std::vector<std::string>{"StreamLocalBindUnlink yes"});
    user_key_ = generate_key(key_type::ed25519).value();
    server_->authorize(user_key_->public_ssh());
  }
  client_config config() const {
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user_key_;
    return c;
  }
  std::unique_ptr<sshd_server> server_;
  std::optional<key> user_key_;
};

// Answers one read on the channel with "pong:" and what it read, then EOF.
void answer_once(channel ch) {
  auto buf = std::make_shared<std::array<char, 64>>();
  ch.async_read_some(asio::buffer(*buf), [ch, buf](error_code ec, std::size_t n) mutable {
    if (ec) return;
    auto reply = std::make_shared<std::string>("pong:" + std::string(buf->data(), n));
    asio::async_write(ch, asio::buffer(*reply), [ch, reply](error_code, std::size_t) mutable { ch.send_eof(); });
  });
}

TEST_F(ForwardingOnSshd, ForwardInWithPortZeroCarriesConnectionsBackToUs) {
  std::optional<incoming_channel> seen;
  asio::io_context io;
  auto cfg = config();
  cfg.channel_open = [&](incoming_channel c) {
    seen = c;
    answer_once(c.accept());
  };
  const auto o = connect_to_sshd_on(io, *server_, std::move(cfg), {}, [&](client& c, asio::io_context&) {
    std::optional<std::uint32_t> port;
    c.async_forward_in("127.0.0.1", 0, [&](error_code ec, std::uint32_t p) {
      EXPECT_FALSE(ec) << ec.message() << "\n" << server_->log();
      port = ec ? 0 : p;
    });
    ASSERT_TRUE(run_until(io, [&] { return port.has_value(); }));
    ASSERT_NE(*port, 0u);

    // A connection to the port sshd opened arrives at our client as forwarded-tcpip.
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::address_v4::loopback(), static_cast<unsigned short>(*port)});
    asio::write(s, asio::buffer(std::string_view("ping")));
    std::string reply;
    bool done = false;
    asio::async_read(s, asio::dynamic_buffer(reply), [&](error_code, std::size_t) { done = true; });
    ASSERT_TRUE(run_until(io, [&] { return done; }));
    EXPECT_EQ(reply, "pong:ping");
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->type, "forwarded-tcpip");
    EXPECT_EQ(seen->host, "127.0.0.1");
    EXPECT_EQ(seen->port, *port);
    EXPECT_EQ(seen->origin_host, "127.0.0.1");
    EXPECT_EQ(seen->origin_port, s.local_endpoint().port());

    // After unforwardIn, sshd no longer listens there.
    bool cancelled = false;
    c.async_unforward_in("127.0.0.1", *port, [&](error_code ec) {
      EXPECT_FALSE(ec) << ec.message();
      cancelled = true;
    });
    ASSERT_TRUE(run_until(io, [&] { return cancelled; }));
    asio::ip::tcp::socket again(io);
    error_code ec;
    again.connect({asio::ip::address_v4::loopback(), static_cast<unsigned short>(*port)}, ec);
    EXPECT_EQ(ec, asio::error::connection_refused);
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
}

TEST_F(ForwardingOnSshd, StreamlocalForwardInAndOut) {
  asio::io_context io;
  std::optional<incoming_channel> seen;
  auto cfg = config();
  cfg.channel_open = [&](incoming_channel c) {
    seen = c;
    answer_once(c.accept());
  };
  const auto remote_socket = (server_->dir() / "forwarded.sock").string();
  const auto local_socket = (server_->dir() / "local-service.sock").string();
  const auto o = connect_to_sshd_on(io, *server_, std::move(cfg), {}, [&](client& c, asio::io_context&) {
    bool forwarded = false;
    c.async_forward_in_streamlocal(remote_socket, [&](error_code ec) {
      EXPECT_FALSE(ec) << ec.message() << "\n" << server_->log();
      forwarded = true;
    });
    ASSERT_TRUE(run_until(io, [&] { return forwarded; }));
    asio::local::stream_protocol::socket s(io);
    s.connect(asio::local::stream_protocol::endpoint(remote_socket));
    asio::write(s, asio::buffer(std::string_view("unix")));
    std::string reply;
    bool done = false;
    asio::async_read(s, asio::dynamic_buffer(reply), [&](error_code, std::size_t) { done = true; });
    ASSERT_TRUE(run_until(io, [&] { return done; }));
    EXPECT_EQ(reply, "pong:unix");
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->type, "forwarded-streamlocal@openssh.com");
    EXPECT_EQ(seen->socket_path, remote_socket);

    // direct-streamlocal: sshd connects to a UNIX socket we listen on.
    asio::local::stream_protocol::acceptor acceptor(io, asio::local::stream_protocol::endpoint(local_socket));
    asio::local::stream_protocol::socket peer(io);
    acceptor.async_accept(peer, [&](error_code ec) {
      if (!ec) asio::async_write(peer, asio::buffer(std::string_view("served over unix")), [](auto, auto) {});
    });
    std::optional<channel> ch;
    c.async_forward_out_streamlocal(local_socket, [&](error_code ec, channel opened) {
      EXPECT_FALSE(ec) << ec.message() << "\n" << server_->log();
      if (!ec) ch = opened;
    });
    ASSERT_TRUE(run_until(io, [&] { return ch.has_value(); }));
    std::array<char, 16> buf{};
    bool read = false;
    asio::async_read(*ch, asio::buffer(buf), [&](error_code ec, std::size_t) { read = !ec; });
    ASSERT_TRUE(run_until(io, [&] { return read; }));
    EXPECT_EQ(std::string(buf.data(), buf.size()), "served over unix");
    ch->close();
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
}

TEST_F(ForwardingOnSshd, ForwardedAgentServesSshAddOnTheServer) {
  asio::io_context io;
  auto agent = std::make_shared<memory_agent>(io.get_executor());
  const key forwarded = generate_key(key_type::ecdsa_p256).value();
  ASSERT_TRUE(agent->add(forwarded, "forwarded-key"));
  auto cfg = config();
  cfg.agent = agent;
  cfg.forward_agent = true;
  std::string out;
  exit_info exit;
  const auto o = connect_to_sshd_on(io, *server_, std::move(cfg), {}, [&](client& c, asio::io_context&) {
    std::optional<channel> ch;
    c.async_exec("ssh-add -L", [&](error_code ec, channel opened) {
      EXPECT_FALSE(ec) << ec.message();
      if (!ec) ch = opened;
    });
    ASSERT_TRUE(run_until(io, [&] { return ch.has_value(); }));
    ch->send_eof();
    bool done = false, closed = false;
    asio::async_read(*ch, asio::dynamic_buffer(out), [&](error_code, std::size_t) { done = true; });
    ch->async_wait_closed([&](error_code) { closed = true; });
    ASSERT_TRUE(run_until(io, [&] { return done && closed; }));
    exit = ch->exit_status();
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_EQ(exit.code, 0u) << out << "\n" << server_->log();
  EXPECT_NE(out.find(forwarded.public_ssh().substr(0, 60)), std::string::npos) << out;
}

TEST_F(ForwardingOnSshd, ForwardedRealSshAgentIsListedBySshAddOnTheServer) {
  temp_dir dir;
  ssh_agent_daemon daemon(dir);
  ASSERT_TRUE(daemon.ready()) << "ssh-agent did not start";
  const key agent_key = keygen_file(dir / "agent_key", "ed25519", "in-ssh-agent");
  ASSERT_EQ(run_with_agent(daemon.socket(), {"ssh-add", (dir / "agent_key").string()}).exit_code, 0);
  asio::io_context io;
  auto agent = create_agent(io.get_executor(), daemon.socket().string());
  ASSERT_TRUE(agent) << agent.error().message();
  auto cfg = config();
  cfg.agent = std::shared_ptr<sshlib::agent>(std::move(*agent));
  cfg.forward_agent = true;
  std::string out;
  const auto o = connect_to_sshd_on(io, *server_, std::move(cfg), {}, [&](client& c, asio::io_context&) {
    std::optional<channel> ch;
    c.async_exec("ssh-add -l", [&](error_code ec, channel opened) {
      EXPECT_FALSE(ec) << ec.message();
      if (!ec) ch = opened;
    });
    ASSERT_TRUE(run_until(io, [&] { return ch.has_value(); }));
    ch->send_eof();
    bool done = false;
    asio::async_read(*ch, asio::dynamic_buffer(out), [&](error_code, std::size_t) { done = true; });
    ASSERT_TRUE(run_until(io, [&] { return done; }));
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_EQ(listed_fingerprints(out), std::vector<std::string>{agent_key.fingerprint_sha256()}) << out;
}

TEST_F(ForwardingOnSshd, NoMoreSessionsIsEnforcedBySshd) {
  asio::io_context io;
  const auto o = connect_to_sshd_on(io, *server_, config(), {}, [&](client& c, asio::io_context&) {
    std::optional<error_code> first;
    c.async_open_session([&](error_code ec, channel) { first = ec; });
    ASSERT_TRUE(run_until(io, [&] { return first.has_value(); }));
    EXPECT_FALSE(*first) << "a session before the promise is fine";
    c.no_more_sessions();
    std::optional<error_code> second, ended;
    c.async_wait_closed([&](error_code ec) { ended = ec; });
    c.async_open_session([&](error_code ec, channel) { second = ec; });
    ASSERT_TRUE(run_until(io, [&] { return second && ended; }));
    EXPECT_TRUE(*second);
    EXPECT_EQ(*ended, make_error_code(errc::disconnected_by_peer)) << ended->message();
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
}

}  // namespace
}  // namespace sshlib::test
