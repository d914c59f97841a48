// Forwarding between our client and our server over a socketpair: remote TCP and UNIX-socket
// forwards (global requests with their ordered replies), the checks the client makes on
// channels the server opens, X11 and agent forwarding, no-more-sessions, the relay, and the
// connection's end as both sides see it.
#include "unit/auth/auth_loopback.hpp"

#include <sshlib/agent.hpp>
#include <sshlib/relay.hpp>

#include "connection/channel_messages.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
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

// An authenticated pair; the test fills in the server's hooks before connect().
struct forwarding_pair : auth_loopback {
  server_config sc;
  client_config cc = user("alice");

  forwarding_pair() {
    sc.authentication = [](auth_request r) { r.accept(); };
    sc.auth_methods = {"none"};
  }
  void connect() {
    run(std::move(cc), std::move(sc));
    ASSERT_FALSE(*client_result) << client_result->message();
    ASSERT_FALSE(*server_result) << server_result->message();
  }
};

std::string read_all(asio::io_context& io, channel& ch) {
  std::string out;
  bool done = false;
  asio::async_read(ch, asio::dynamic_buffer(out), [&](error_code, std::size_t) { done = true; });
  EXPECT_TRUE(run_until(io, [&] { return done; }));
  return out;
}

TEST(Forwarding, ForwardInWithPortZeroGetsTheBoundPortAndItsConnections) {
  forwarding_pair p;
  std::optional<global_request> seen;
  p.sc.global_request = [&](global_request r) {
    EXPECT_EQ(r.name(), "tcpip-forward");
    EXPECT_EQ(r.bind_address(), "127.0.0.1");
    EXPECT_EQ(r.bind_port(), 0u);
    r.accept(47001);
    seen = r;
  };
  std::optional<incoming_channel> arrived;
  p.cc.channel_open = [&](incoming_channel c) { arrived = std::move(c); };
  p.connect();

  std::optional<std::uint32_t> bound;
  p.cl->async_forward_in("127.0.0.1", 0, [&](error_code ec, std::uint32_t port) {
    EXPECT_FALSE(ec) << ec.message();
    bound = port;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return bound.has_value(); }));
  EXPECT_EQ(*bound, 47001u);

  std::optional<channel> server_side;
  p.server->async_forward_out("127.0.0.1", 47001, "10.1.2.3", 5555, [&](error_code ec, channel ch) {
    ASSERT_FALSE(ec) << ec.message();
    server_side = ch;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return arrived.has_value(); }));
  EXPECT_EQ(arrived->type, "forwarded-tcpip");
  EXPECT_EQ(arrived->host, "127.0.0.1");
  EXPECT_EQ(arrived->port, 47001u);
  EXPECT_EQ(arrived->origin_host, "10.1.2.3");
  EXPECT_EQ(arrived->origin_port, 5555u);
  channel client_side = arrived->accept();
  ASSERT_TRUE(run_until(p.io, [&] { return server_side.has_value(); }));

  asio::async_write(*server_side, asio::buffer(std::string_view("from the listener")),
                    [&](error_code, std::size_t) { server_side->send_eof(); });
  EXPECT_EQ(read_all(p.io, client_side), "from the listener");
}

TEST(Forwarding, RefusedOpenCarriesThePeersReasonAndText) {
  forwarding_pair p;
  p.sc.channel_open = [](incoming_channel c) {
    c.reject(channel_open_failure::connect_failed,
             "cannot connect to " + c.host + ":" + std::to_string(c.port));
  };
  p.connect();
  std::optional<error_code> result;
  channel refused;
  p.cl->async_forward_out("127.0.0.1", 1, "db.internal", 5432, [&](error_code ec, channel ch) {
    result = ec;
    refused = ch;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, make_error_code(errc::channel_open_failed));
  ASSERT_TRUE(refused.open_failure().has_value());
  EXPECT_EQ(refused.open_failure()->reason, channel_open_failure::connect_failed);
  EXPECT_EQ(refused.open_failure()->description, "cannot connect to db.internal:5432");
  EXPECT_FALSE(refused.is_open());
  // Nothing works on it, and nothing hangs.
  std::optional<error_code> read_result;
  std::array<char, 4> buf{};
  refused.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t) { read_result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return read_result.has_value(); }));
  EXPECT_EQ(*read_result, make_error_code(errc::channel_open_failed));
}

TEST(Forwarding, ClientRefusesForwardedConnectionsItNeverAskedFor) {
  forwarding_pair p;
  bool app_saw_open = false;
  p.cc.channel_open = [&](incoming_channel c) {
    app_saw_open = true;
    c.accept();
  };
  p.connect();
  std::optional<error_code> result;
  p.server->async_forward_out("0.0.0.0", 22, "10.0.0.1", 1234,
                              [&](error_code ec, channel) { result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, make_error_code(errc::channel_open_failed));
  EXPECT_FALSE(app_saw_open);

  // The same for x11 and agent channels no session asked for, and unix-socket forwards.
  for (auto kind : {0, 1, 2}) {
    result.reset();
    auto done = [&](error_code ec, channel) { result = ec; };
    if (kind == 0) p.server->async_open_x11("127.0.0.1", 6010, done);
    if (kind == 1) p.server->async_open_agent(done);
    if (kind == 2) p.server->async_forward_out_streamlocal("/tmp/never-asked", done);
    ASSERT_TRUE(run_until(p.io, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, make_error_code(errc::channel_open_failed)) << "kind " << kind;
  }
  EXPECT_FALSE(app_saw_open);
}

TEST(Forwarding, RepliesKeepRequestOrderWhenAnsweredOutOfOrder) {
  forwarding_pair p;
  std::vector<global_request> held;
  p.sc.global_request = [&](global_request r) { held.push_back(std::move(r)); };
  p.connect();

  std::vector<std::string> replies;
  for (const char* name : {"first@example.com", "second@example.com", "third@example.com"}) {
    p.cl->async_global_request(name, true, {}, [&replies, name](error_code ec, bytes data) {
      replies.push_back(std::string(name) +
                        (ec ? ":refused" : ":" + std::string(data.begin(), data.end())));
    });
  }
  ASSERT_TRUE(run_until(p.io, [&] { return held.size() == 3; }));
  // Answer the last first, then drop the middle one unanswered, then answer the first.
  held[2].accept_with_data(bytes{'3'});
  p.io.restart();
  p.io.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(replies.empty()) << "a reply overtook an earlier request";
  held.erase(held.begin() + 1);  // unanswered: refused
  held[0].accept_with_data(bytes{'1'});
  ASSERT_TRUE(run_until(p.io, [&] { return replies.size() == 3; }));
  EXPECT_EQ(replies, (std::vector<std::string>{"first@example.com:1", "second@example.com:refused",
                                               "third@example.com:3"}));
}

TEST(Forwarding, MalformedForwardRequestIsRefusedWithoutTheApplication) {
  forwarding_pair p;
  bool app_called = false;
  p.sc.global_request = [&](global_request) { app_called = true; };
  p.connect();
  std::optional<error_code> result;
  p.cl->async_global_request("tcpip-forward", true, bytes{0, 0, 0},
                             [&](error_code ec, bytes) { result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, make_error_code(errc::request_refused));
  EXPECT_FALSE(app_called);
}

TEST(Forwarding, UnforwardInStopsAcceptingItsConnections) {
  forwarding_pair p;
  std::vector<std::string> names;
  p.sc.global_request = [&](global_request r) {
    names.push_back(r.name() + " " + r.bind_address() + ":" + std::to_string(r.bind_port()));
    r.accept();
  };
  p.cc.channel_open = [&](incoming_channel c) { c.accept(); };
  p.connect();
  bool forwarded = false, cancelled = false;
  p.cl->async_forward_in("localhost", 8080, [&](error_code ec, std::uint32_t port) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(port, 8080u);
    forwarded = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return forwarded; }));
  p.cl->async_unforward_in("localhost", 8080, [&](error_code ec) {
    EXPECT_FALSE(ec);
    cancelled = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return cancelled; }));
  EXPECT_EQ(names, (std::vector<std::string>{"tcpip-forward localhost:8080",
                                             "cancel-tcpip-forward localhost:8080"}));
  std::optional<error_code> result;
  p.server->async_forward_out("localhost", 8080, "127.0.0.1", 1,
                              [&](error_code ec, channel) { result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, make_error_code(errc::channel_open_failed));
}

TEST(Forwarding, StreamlocalBothDirections) {
  forwarding_pair p;
  std::string requested;
  p.sc.global_request = [&](global_request r) {
    requested = r.name() + " " + r.socket_path();
    r.accept();
  };
  std::optional<incoming_channel> at_server;
  p.sc.channel_open = [&](incoming_channel c) { at_server = std::move(c); };
  std::optional<incoming_channel> at_client;
  p.cc.channel_open = [&](incoming_channel c) { at_client = std::move(c); };
  p.connect();

  bool forwarded = false;
  p.cl->async_forward_in_streamlocal("/run/app.sock", [&](error_code ec) {
    EXPECT_FALSE(ec);
    forwarded = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return forwarded; }));
  EXPECT_EQ(requested, "streamlocal-forward@openssh.com /run/app.sock");
  p.server->async_forward_out_streamlocal("/run/app.sock", [](error_code, channel) {});
  ASSERT_TRUE(run_until(p.io, [&] { return at_client.has_value(); }));
  EXPECT_EQ(at_client->type, "forwarded-streamlocal@openssh.com");
  EXPECT_EQ(at_client->socket_path, "/run/app.sock");
  at_client->reject(channel_open_failure::connect_failed, "test");

  p.cl->async_forward_out_streamlocal("/var/run/docker.sock", [](error_code, channel) {});
  ASSERT_TRUE(run_until(p.io, [&] { return at_server.has_value(); }));
  EXPECT_EQ(at_server->type, "direct-streamlocal@openssh.com");
  EXPECT_EQ(at_server->socket_path, "/var/run/docker.sock");
  at_server->reject(channel_open_failure::administratively_prohibited, "test");
}

TEST(Forwarding, X11RequestIsDecodedAndOpensX11Channels) {
  forwarding_pair p;
  std::optional<x11_settings> x11;
  p.sc.channel_open = [&](incoming_channel c) {
    auto ch = c.accept();
    ch.on_request([&](channel_request r) {
      x11 = r.x11();
      r.accept();
    });
  };
  std::optional<incoming_channel> arrived;
  p.cc.channel_open = [&](incoming_channel c) { arrived = std::move(c); };
  p.connect();
  std::optional<channel> session;
  p.cl->async_open_session([&](error_code ec, channel ch) {
    ASSERT_FALSE(ec);
    session = ch;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return session.has_value(); }));
  x11_settings want;
  want.single_connection = true;
  want.auth_cookie = "00112233445566778899aabbccddeeff";
  want.screen = 2;
  bool granted = false;
  session->async_request_x11(want, [&](error_code ec) {
    EXPECT_FALSE(ec);
    granted = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return granted; }));
  ASSERT_TRUE(x11.has_value());
  EXPECT_TRUE(x11->single_connection);
  EXPECT_EQ(x11->auth_protocol, "MIT-MAGIC-COOKIE-1");
  EXPECT_EQ(x11->auth_cookie, want.auth_cookie);
  EXPECT_EQ(x11->screen, 2u);
  p.server->async_open_x11("192.0.2.7", 41000, [](error_code, channel) {});
  ASSERT_TRUE(run_until(p.io, [&] { return arrived.has_value(); }));
  EXPECT_EQ(arrived->type, "x11");
  EXPECT_EQ(arrived->origin_host, "192.0.2.7");
  EXPECT_EQ(arrived->origin_port, 41000u);
}

TEST(Forwarding, ExecSessionOptionsSendX11WithARandomCookieAndEnvBeforeTheCommand) {
  forwarding_pair p;
  std::vector<std::string> seen;
  std::string cookie;
  p.sc.channel_open = [&](incoming_channel c) {
    auto ch = c.accept();
    ch.on_request([&](channel_request r) {
      seen.push_back(r.type());
      if (r.x11()) cookie = r.x11()->auth_cookie;
      r.accept();
    });
  };
  p.connect();
  session_options options;
  options.env = {{"LANG", "C"}};
  options.x11 = x11_settings{};
  bool started = false;
  p.cl->async_exec("xterm", options, [&](error_code ec, channel) {
    EXPECT_FALSE(ec);
    started = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return started; }));
  EXPECT_EQ(seen, (std::vector<std::string>{"env", "x11-req", "exec"}));
  ASSERT_EQ(cookie.size(), 32u);
  EXPECT_EQ(cookie.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Forwarding, AgentChannelsOpenedByTheServerReachTheClientsAgent) {
  forwarding_pair p;
  auto agent = std::make_shared<memory_agent>(p.io.get_executor());
  const key k = generate_key(key_type::ed25519).value();
  ASSERT_TRUE(agent->add(k, "forwarded key"));
  p.cc.agent = agent;
  p.cc.forward_agent = true;
  p.cc.auth_handler = auth_sequence({auth_method::none()});  // the agent is for forwarding only
  bool agent_requested = false;
  p.sc.channel_open = [&](incoming_channel c) {
    auto ch = c.accept();
    ch.on_request([&](channel_request r) {
      if (r.type() == "auth-agent-req@openssh.com") agent_requested = true;
      r.accept();
    });
  };
  p.connect();
  bool started = false;
  p.cl->async_exec("true", [&](error_code ec, channel) {
    EXPECT_FALSE(ec);
    started = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return started; }));
  EXPECT_TRUE(agent_requested);

  std::optional<channel> agent_channel;
  p.server->async_open_agent([&](error_code ec, channel ch) {
    ASSERT_FALSE(ec) << ec.message();
    agent_channel = ch;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return agent_channel.has_value(); }));
  // SSH_AGENTC_REQUEST_IDENTITIES; the answer is SSH_AGENT_IDENTITIES_ANSWER with one key.
  const std::array<std::uint8_t, 5> request{0, 0, 0, 1, 11};
  std::array<std::uint8_t, 9> head{};
  bool answered = false;
  asio::async_write(*agent_channel, asio::buffer(request), [](error_code, std::size_t) {});
  asio::async_read(*agent_channel, asio::buffer(head), [&](error_code ec, std::size_t) {
    EXPECT_FALSE(ec);
    answered = true;
  });
  ASSERT_TRUE(run_until(p.io, [&] { return answered; }));
  EXPECT_EQ(head[4], 12);
  EXPECT_EQ(head[8], 1) << "identity count";
}

TEST(Forwarding, NoMoreSessionsEndsAConnectionThatOpensOneAnyway) {
  forwarding_pair p;
  p.sc.channel_open = [&](incoming_channel c) { c.accept(); };
  p.connect();
  std::optional<error_code> server_end, client_end;
  p.server->async_wait_closed([&](error_code ec) { server_end = ec; });
  p.cl->async_wait_closed([&](error_code ec) { client_end = ec; });
  p.cl->no_more_sessions();
  p.cl->async_open_session([](error_code, channel) {});
  ASSERT_TRUE(run_until(p.io, [&] { return server_end && client_end; }));
  EXPECT_EQ(*server_end, make_error_code(errc::protocol_error));
  EXPECT_EQ(*client_end, make_error_code(errc::disconnected_by_peer));
  ASSERT_TRUE(p.server->last_error());
  EXPECT_NE(p.server->last_error()->detail.find("no-more-sessions"), std::string::npos);
}

TEST(Forwarding, WaitClosedReportsALocalEnd) {
  forwarding_pair p;
  p.connect();
  std::optional<error_code> server_end, client_end;
  p.server->async_wait_closed([&](error_code ec) { server_end = ec; });
  p.cl->async_wait_closed([&](error_code ec) { client_end = ec; });
  p.cl->end();
  ASSERT_TRUE(run_until(p.io, [&] { return server_end && client_end; }));
  EXPECT_EQ(*client_end, make_error_code(asio::error::operation_aborted));
  EXPECT_EQ(*server_end, make_error_code(errc::disconnected_by_peer));
}

// direct-tcpip relayed by the server to a real TCP listener: bytes both ways, and each
// side's end of stream reaches the other as a half-close.
TEST(Relay, DirectTcpipToATcpListenerWithHalfCloseBothWays) {
  forwarding_pair p;
  asio::ip::tcp::acceptor acceptor(p.io,
                                   asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::optional<relay_counts> counts;
  std::optional<relay> server_relay;
  p.sc.channel_open = [&](incoming_channel c) {
    ASSERT_EQ(c.type, "direct-tcpip");
    EXPECT_EQ(c.port, acceptor.local_endpoint().port());
    auto ch = c.accept();
    auto sock = std::make_shared<asio::ip::tcp::socket>(p.io);
    sock->async_connect(acceptor.local_endpoint(), [&, ch, sock](error_code ec) mutable {
      ASSERT_FALSE(ec);
      server_relay.emplace(make_byte_stream(std::move(ch)), make_byte_stream(std::move(*sock)));
      server_relay->async_run([&](error_code rec, relay_counts n) {
        EXPECT_FALSE(rec) << rec.message();
        counts = n;
      });
    });
  };
  p.connect();
  asio::ip::tcp::socket far_end(p.io);
  bool accepted = false;
  acceptor.async_accept(far_end, [&](error_code ec) { accepted = !ec; });
  std::optional<channel> ch;
  p.cl->async_forward_out("127.0.0.1", 1, "127.0.0.1", acceptor.local_endpoint().port(),
                          [&](error_code ec, channel c) {
                            ASSERT_FALSE(ec);
                            ch = c;
                          });
  ASSERT_TRUE(run_until(p.io, [&] { return ch && accepted; }));

  // Client -> far end, then EOF: the far end reads it all and then its end of stream.
  const std::string request(100000, 'q');
  asio::async_write(*ch, asio::buffer(request), [&](error_code ec, std::size_t) {
    EXPECT_FALSE(ec);
    ch->send_eof();
  });
  std::string at_far_end;
  bool far_eof = false;
  asio::async_read(far_end, asio::dynamic_buffer(at_far_end),
                   [&](error_code ec, std::size_t) { far_eof = ec == asio::error::eof; });
  ASSERT_TRUE(run_until(p.io, [&] { return far_eof; }));
  EXPECT_EQ(at_far_end, request);
  // The far end answers after the client's EOF (a half-closed request), then closes.
  const std::string response(70000, 'r');
  asio::async_write(far_end, asio::buffer(response), [&](error_code ec, std::size_t) {
    EXPECT_FALSE(ec);
    far_end.shutdown(asio::socket_base::shutdown_send);
  });
  EXPECT_EQ(read_all(p.io, *ch), response);
  ASSERT_TRUE(run_until(p.io, [&] { return counts.has_value(); }));
  EXPECT_EQ(counts->a_to_b, request.size());
  EXPECT_EQ(counts->b_to_a, response.size());
}

// Hides a stream's readiness, as an SSL stream has none: the relay then reads into a
// buffer of its own, held for the relay's life.
class without_readiness final : public byte_stream {
 public:
  explicit without_readiness(std::unique_ptr<byte_stream> inner) : inner_(std::move(inner)) {}
  executor_type get_executor() override { return inner_->get_executor(); }
  void async_read_some(asio::mutable_buffer b, read_completion done) override {
    inner_->async_read_some(b, std::move(done));
  }
  void async_write_some(asio::const_buffer b, read_completion done) override {
    inner_->async_write_some(b, std::move(done));
  }
  void close() noexcept override { inner_->close(); }
  void shutdown_send() noexcept override { inner_->shutdown_send(); }

 private:
  std::unique_ptr<byte_stream> inner_;
};

// More than a buffer's worth each way through a relay between two socket pairs, then a
// half-close each way; returns what buffer the relay held while both sides were quiet.
std::size_t relay_both_ways(bool hide_readiness) {
  asio::io_context io;
  socket_t a1(io), a2(io), b1(io), b2(io);
  asio::local::connect_pair(a1, a2);
  asio::local::connect_pair(b1, b2);
  auto wrap = [&](socket_t s) -> std::unique_ptr<byte_stream> {
    auto inner = make_byte_stream(std::move(s));
    if (hide_readiness) return std::make_unique<without_readiness>(std::move(inner));
    return inner;
  };
  relay r(wrap(std::move(a2)), wrap(std::move(b1)));
  std::optional<error_code> result;
  relay_counts counts;
  r.async_run([&](error_code ec, relay_counts n) {
    result = ec;
    counts = n;
  });
  const std::string up(100000, 'u'), down(70000, 'd');
  std::string at_b(up.size(), '\0'), at_a(down.size(), '\0');
  int done = 0;
  asio::async_write(a1, asio::buffer(up), [&](error_code ec, std::size_t) { done += !ec; });
  asio::async_read(b2, asio::buffer(at_b), [&](error_code ec, std::size_t) { done += !ec; });
  asio::async_write(b2, asio::buffer(down), [&](error_code ec, std::size_t) { done += !ec; });
  asio::async_read(a1, asio::buffer(at_a), [&](error_code ec, std::size_t) { done += !ec; });
  EXPECT_TRUE(run_until(io, [&] { return done == 4; }));
  EXPECT_EQ(at_b, up);
  EXPECT_EQ(at_a, down);
  io.restart();
  io.poll();  // the relay reaches its waits
  const std::size_t quiet_buffer = r.buffer_bytes();

  // Each side's end of stream reaches the other; then the relay is done.
  a1.shutdown(asio::socket_base::shutdown_send);
  b2.shutdown(asio::socket_base::shutdown_send);
  std::array<char, 1> c{};
  std::optional<error_code> a_end, b_end;
  a1.async_read_some(asio::buffer(c), [&](error_code ec, std::size_t) { a_end = ec; });
  b2.async_read_some(asio::buffer(c), [&](error_code ec, std::size_t) { b_end = ec; });
  EXPECT_TRUE(run_until(io, [&] { return a_end && b_end && result; }));
  EXPECT_EQ(a_end, asio::error::eof);
  EXPECT_EQ(b_end, asio::error::eof);
  EXPECT_FALSE(*result) << result->message();
  EXPECT_EQ(counts.a_to_b, up.size());
  EXPECT_EQ(counts.b_to_a, down.size());
  return quiet_buffer;
}

TEST(Relay, HoldsNoBufferWhileBothSidesAreQuiet) {
  EXPECT_EQ(relay_both_ways(false), 0u);
}

TEST(Relay, StreamsWithoutReadinessStillRelayWithABufferEachWay) {
  EXPECT_EQ(relay_both_ways(true), 2u * 32u * 1024u);
}

TEST(Relay, CloseStopsItWithOperationAborted) {
  asio::io_context io;
  socket_t a1(io), a2(io), b1(io), b2(io);
  asio::local::connect_pair(a1, a2);
  asio::local::connect_pair(b1, b2);
  relay r(make_byte_stream(std::move(a2)), make_byte_stream(std::move(b1)));
  std::optional<error_code> result;
  r.async_run([&](error_code ec, relay_counts) { result = ec; });
  io.poll();
  r.close();
  ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
  EXPECT_EQ(*result, asio::error::operation_aborted);
  // Both outer ends see their peer gone.
  std::array<char, 1> c{};
  error_code ec;
  a1.read_some(asio::buffer(c), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

}  // namespace
}  // namespace sshlib::test
