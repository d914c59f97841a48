// agent_server without OpenSSH: socket permissions and placement, our own openssh_agent
// client against it, raw malformed input, the connection cap, and serving a given stream.
#include <sshlib/agent_server.hpp>

#include "agent/agent_codec.hpp"
#include "support/run_async.hpp"
#include "support/temp_dir.hpp"
#include "support/unix_socket.hpp"
#include "wire/writer.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <future>
#include <thread>

namespace sshlib {
namespace {

namespace proto = agent_protocol;
using test::run_async;
using error_code = boost::system::error_code;

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

bytes frame(std::initializer_list<std::uint8_t> payload) {
  bytes out;
  wire::writer w(out);
  w.write_u32(static_cast<std::uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// A server on its own io_context thread, as an application would run one; the test body
// plays clients from the main thread.
class AgentServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = agent_server::listen(ctx_.get_executor(), backend_);
    ASSERT_TRUE(s) << s.error().message();
    server_ = std::move(*s);
    thread_ = std::thread([this] { ctx_.run(); });
  }
  void TearDown() override { stop(); }

  // Destroys the server on its own thread, then stops the thread.
  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(ctx_, [this] { server_.reset(); });
    guard_.reset();
    thread_.join();
  }

  // Runs f on the server's thread and returns its result.
  template <class F>
  auto on_server(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(ctx_, [&task] { task(); });
    return result.get();
  }

  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      ctx_.get_executor()};
  memory_agent backend_{ctx_.get_executor()};
  std::unique_ptr<agent_server> server_;
  std::thread thread_;
};

TEST_F(AgentServer, SocketIsOwnerOnlyInsideAPrivateDirectoryRemovedOnClose) {
  const auto sock = server_->socket_path();
  EXPECT_EQ(mode_of(sock), 0600u);
  EXPECT_EQ(mode_of(sock.parent_path()), 0700u);
  EXPECT_TRUE(std::filesystem::is_socket(sock));
  stop();
  EXPECT_FALSE(std::filesystem::exists(sock));
  EXPECT_FALSE(std::filesystem::exists(sock.parent_path()));
}

TEST_F(AgentServer, OurClientUsesEveryOperation) {
  boost::asio::io_context client_ctx;
  openssh_agent client(client_ctx.get_executor(), server_->socket_path().string());
  const key rsa = *generate_key(key_type::rsa, 2048);
  const key ed = *generate_key(key_type::ed25519);

  auto [add1] = run_async<error_code>(
      client_ctx, [&](auto h) { client.async_add_identity(rsa, "rsa key", h); });
  auto [add2] = run_async<error_code>(client_ctx, [&](auto h) {
    client.async_add_identity(ed, "ed key", key_constraints{600, false}, h);
  });
  EXPECT_FALSE(add1) << add1.message();
  EXPECT_FALSE(add2) << add2.message();
  auto [ec, ids] = run_async<error_code, std::vector<key>>(
      client_ctx, [&](auto h) { client.async_identities(h); });
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(ids[0].equals(rsa));
  EXPECT_EQ(ids[0].comment(), "rsa key");
  EXPECT_EQ(ids[1].comment(), "ed key");

  const bytes data{'s', 'i', 'g', 'n'};
  auto [sec, sig] = run_async<error_code, bytes>(
      client_ctx, [&](auto h) { client.async_sign(ids[0], data, sign_flags::rsa_sha2_256, h); });
  ASSERT_FALSE(sec) << sec.message();
  EXPECT_TRUE(rsa.verify(data, sig));

  // Confirmation cannot be honoured by a memory_agent: refused, reported as FAILURE.
  auto [confirm] = run_async<error_code>(client_ctx, [&](auto h) {
    client.async_add_identity(ed, "", key_constraints{std::nullopt, true}, h);
  });
  EXPECT_EQ(confirm, errc::agent_failure);

  // Locked: no identities, no signatures, wrong passphrase refused.
  auto [lock] = run_async<error_code>(client_ctx, [&](auto h) { client.async_lock("pass", h); });
  EXPECT_FALSE(lock);
  auto [lock2] = run_async<error_code>(client_ctx, [&](auto h) { client.async_lock("pass", h); });
  EXPECT_EQ(lock2, errc::agent_failure);
  auto [lec, locked_ids] = run_async<error_code, std::vector<key>>(
      client_ctx, [&](auto h) { client.async_identities(h); });
  EXPECT_FALSE(lec);
  EXPECT_TRUE(locked_ids.empty());
  auto [lsec, lsig] = run_async<error_code, bytes>(
      client_ctx, [&](auto h) { client.async_sign(ids[1], data, sign_flags::none, h); });
  EXPECT_EQ(lsec, errc::agent_failure);
  auto [wrong] =
      run_async<error_code>(client_ctx, [&](auto h) { client.async_unlock("wrong", h); });
  EXPECT_EQ(wrong, errc::agent_failure);
  auto [unlock] =
      run_async<error_code>(client_ctx, [&](auto h) { client.async_unlock("pass", h); });
  EXPECT_FALSE(unlock);
  auto [unlock2] =
      run_async<error_code>(client_ctx, [&](auto h) { client.async_unlock("pass", h); });
  EXPECT_EQ(unlock2, errc::agent_failure);

  auto [rm] =
      run_async<error_code>(client_ctx, [&](auto h) { client.async_remove_identity(ids[0], h); });
  EXPECT_FALSE(rm);
  auto [rm_again] =
      run_async<error_code>(client_ctx, [&](auto h) { client.async_remove_identity(ids[0], h); });
  EXPECT_EQ(rm_again, errc::agent_failure);
  auto [all] = run_async<error_code>(client_ctx, [&](auto h) { client.async_remove_all(h); });
  EXPECT_FALSE(all);
  EXPECT_EQ(backend_.size(), 0u);
}

TEST_F(AgentServer, ConcurrentClientRequestsAreQueuedInOrderAndBounded) {
  boost::asio::io_context client_ctx;
  openssh_agent client(client_ctx.get_executor(), server_->socket_path().string());
  const key k = *generate_key(key_type::ed25519);
  ASSERT_TRUE(backend_.add(k, "k"));
  std::vector<int> order;
  int busy = 0;
  const int total = static_cast<int>(proto::limits::max_queued_requests) + 1;
  for (int i = 0; i < total; ++i) {
    client.async_sign(k, bytes{static_cast<std::uint8_t>(i)}, sign_flags::none,
                      [&, i](error_code ec, bytes sig) {
                        if (ec == errc::agent_busy) {
                          ++busy;
                          return;
                        }
                        EXPECT_FALSE(ec) << ec.message();
                        EXPECT_TRUE(k.verify(bytes{static_cast<std::uint8_t>(i)}, sig));
                        order.push_back(i);
                      });
  }
  client_ctx.run();
  EXPECT_EQ(busy, 1);
  ASSERT_EQ(order.size(), proto::limits::max_queued_requests);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int>(i));
}

TEST_F(AgentServer, ClientCloseAbortsQueuedRequests) {
  boost::asio::io_context client_ctx;
  openssh_agent client(client_ctx.get_executor(), server_->socket_path().string());
  std::vector<error_code> results;
  for (int i = 0; i < 3; ++i) {
    client.async_identities([&](error_code ec, std::vector<key>) { results.push_back(ec); });
  }
  client.close();
  client_ctx.run();
  ASSERT_EQ(results.size(), 3u);
  for (const auto& ec : results) EXPECT_EQ(ec, boost::asio::error::operation_aborted);
  // The next request reconnects.
  auto [ec, ids] = run_async<error_code, std::vector<key>>(
      client_ctx, [&](auto h) { client.async_identities(h); });
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(AgentServer, MalformedRequestsGetFailureAndTheConnectionGoesOn) {
  test::unix_client c(server_->socket_path());
  ASSERT_TRUE(c.ok());
  const bytes failure{5};
  // Unknown type, smartcard add, truncated sign request, identities request with a body.
  for (const bytes& msg :
       {frame({200}), frame({20, 0, 0}), frame({13, 0, 0, 0, 9, 1}), frame({11, 0})}) {
    ASSERT_TRUE(c.send(msg));
    EXPECT_EQ(c.receive_message(), failure);
  }
  // Extensions: only a well-formed session-bind is acknowledged.
  const proto::session_bind bind{generate_key(key_type::ed25519)->public_blob(), bytes(32, 1),
                                 bytes(10, 2), false};
  ASSERT_TRUE(c.send(
      *proto::encode_extension(proto::session_bind_extension, proto::encode_session_bind(bind))));
  EXPECT_EQ(c.receive_message(), bytes{6});
  ASSERT_TRUE(c.send(*proto::encode_extension(proto::session_bind_extension, bytes{0, 0})));
  EXPECT_EQ(c.receive_message(), failure);
  ASSERT_TRUE(c.send(*proto::encode_extension("query", {})));
  EXPECT_EQ(c.receive_message(), failure);
  // Still in step: a real request is answered.
  ASSERT_TRUE(c.send(proto::encode_identities_request()));
  auto answer = c.receive_message();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(proto::decode_identities_answer(*answer));
}

TEST_F(AgentServer, BadLengthPrefixesCloseTheConnection) {
  for (const bytes& header :
       {bytes{0, 0, 0, 0}, bytes{0, 4, 0, 1}, bytes{0xff, 0xff, 0xff, 0xff}}) {
    test::unix_client c(server_->socket_path());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.send(header));
    EXPECT_TRUE(c.peer_closed());
  }
  {
    // A client that hangs up in the middle of a message.
    test::unix_client c(server_->socket_path());
    ASSERT_TRUE(c.send(bytes{0, 0, 1, 0, 13, 0}));
  }
  test::unix_client c(server_->socket_path());
  ASSERT_TRUE(c.send(proto::encode_identities_request()));
  EXPECT_TRUE(c.receive_message());
}

TEST_F(AgentServer, ConnectionsBeyondTheCapAreClosed) {
  std::vector<std::unique_ptr<test::unix_client>> clients;
  for (std::size_t i = 0; i < proto::limits::max_server_connections; ++i) {
    clients.push_back(std::make_unique<test::unix_client>(server_->socket_path()));
    // A reply proves the server has accepted this one before the next connects.
    ASSERT_TRUE(clients.back()->send(proto::encode_identities_request()));
    ASSERT_TRUE(clients.back()->receive_message()) << i;
  }
  EXPECT_EQ(on_server([this] { return server_->connection_count(); }),
            proto::limits::max_server_connections);
  test::unix_client extra(server_->socket_path());
  ASSERT_TRUE(extra.ok());  // the kernel accepts; the server hangs up
  EXPECT_TRUE(extra.peer_closed());
  clients.pop_back();
  // Once the server has seen that hang-up, there is room again.
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {
    test::unix_client again(server_->socket_path());
    served = again.send(proto::encode_identities_request()) && again.receive_message().has_value();
  }
  EXPECT_TRUE(served);
}

TEST(AgentServerListen, ChecksAndCreatesTheSocketDirectory) {
  boost::asio::io_context ctx;
  memory_agent backend(ctx.get_executor());
  test::temp_dir dir;

  const auto open_dir = dir / "open";
  std::filesystem::create_directory(open_dir);
  std::filesystem::permissions(open_dir, std::filesystem::perms(0755));
  EXPECT_EQ(agent_server::listen(ctx.get_executor(), backend, open_dir / "s").code(),
            errc::insecure_permissions);

  const auto made = dir / "made";
  {
    auto server = agent_server::listen(ctx.get_executor(), backend, made / "agent.sock");
    ASSERT_TRUE(server) << server.error().message();
    EXPECT_EQ(mode_of(made), 0700u);
    EXPECT_EQ(mode_of(made / "agent.sock"), 0600u);
    // Something already there is never replaced.
    EXPECT_EQ(agent_server::listen(ctx.get_executor(), backend, made / "agent.sock").code(),
              boost::system::errc::file_exists);
  }
  EXPECT_FALSE(std::filesystem::exists(made));

  // An existing private directory is used and kept.
  {
    auto server = agent_server::listen(ctx.get_executor(), backend, dir / "agent.sock");
    ASSERT_TRUE(server) << server.error().message();
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path()));
  EXPECT_FALSE(std::filesystem::exists(dir / "agent.sock"));

  EXPECT_EQ(agent_server::listen(ctx.get_executor(), backend, dir / std::string(200, 'x')).code(),
            boost::system::errc::filename_too_long);
}

TEST(AgentServerStream, ServesAGivenStreamUntilThePeerCloses) {
  boost::asio::io_context ctx;
  memory_agent backend(ctx.get_executor());
  ASSERT_TRUE(backend.add(*generate_key(key_type::ed25519), "streamed"));
  agent_server server(ctx.get_executor(), backend);
  agent_server::socket_type ours(ctx), theirs(ctx);
  boost::asio::local::connect_pair(ours, theirs);

  std::optional<error_code> served;
  server.async_serve_stream(std::move(ours), [&](error_code ec) { served = ec; });
  const bytes request = proto::encode_identities_request();
  bytes header(4), payload;
  boost::asio::async_write(theirs, boost::asio::buffer(request), [&](error_code ec, std::size_t) {
    ASSERT_FALSE(ec);
    boost::asio::async_read(theirs, boost::asio::buffer(header), [&](error_code ec2, std::size_t) {
      ASSERT_FALSE(ec2);
      payload.resize(*proto::decode_frame_header(header));
      boost::asio::async_read(theirs, boost::asio::buffer(payload),
                              [&](error_code ec3, std::size_t) {
                                ASSERT_FALSE(ec3);
                                theirs.close();
                              });
    });
  });
  ctx.run();
  auto ids = proto::decode_identities_answer(payload);
  ASSERT_TRUE(ids) << ids.error().message();
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(ids->front().comment(), "streamed");
  ASSERT_TRUE(served);
  EXPECT_FALSE(*served) << served->message();
}

TEST(AgentServerStream, CloseAbortsServedStreams) {
  boost::asio::io_context ctx;
  memory_agent backend(ctx.get_executor());
  agent_server server(ctx.get_executor(), backend);
  agent_server::socket_type ours(ctx), theirs(ctx);
  boost::asio::local::connect_pair(ours, theirs);
  std::optional<error_code> served;
  server.async_serve_stream(std::move(ours), [&](error_code ec) { served = ec; });
  boost::asio::post(ctx, [&] { server.close(); });
  ctx.run();
  ASSERT_TRUE(served);
  EXPECT_EQ(*served, boost::asio::error::operation_aborted);
  EXPECT_EQ(server.connection_count(), 0u);
}

// openssh_agent over streams an opener provides (a jump host reaching its user's agent over
// auth-agent@openssh.com channels): each stream is served here by agent_server; a failed
// connection is opened again for the next request, and an opener's error is the request's.
TEST(OpensshAgentOverStreams, RequestsGoOverTheOpenedStreamAndAClosedOneIsReopened) {
  boost::asio::io_context ctx;
  memory_agent backend(ctx.get_executor());
  ASSERT_TRUE(backend.add(*generate_key(key_type::ed25519), "through an opener"));
  agent_server server(ctx.get_executor(), backend);
  int opened = 0;
  bool refuse = false;
  openssh_agent agent(ctx.get_executor(), [&](auto done) {
    if (refuse) return done(make_error_code(errc::agent_unavailable), nullptr);
    ++opened;
    agent_server::socket_type ours(ctx), theirs(ctx);
    boost::asio::local::connect_pair(ours, theirs);
    server.async_serve_stream(std::move(ours), [](error_code) {});
    done({}, make_byte_stream(std::move(theirs)));
  });
  EXPECT_TRUE(agent.socket_path().empty());
  // The served streams keep the context busy, so it runs until the answer, not until idle.
  auto identities = [&] {
    std::optional<std::pair<error_code, std::vector<key>>> out;
    agent.async_identities([&](error_code e, std::vector<key> k) { out.emplace(e, std::move(k)); });
    for (int i = 0; i < 1000 && !out; ++i) {
      ctx.restart();
      ctx.run_one_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(out.has_value()) << "no answer";
    return out.value_or(std::pair<error_code, std::vector<key>>{});
  };

  auto [ec, ids] = identities();
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].comment(), "through an opener");
  auto [ec2, again] = identities();
  EXPECT_FALSE(ec2);
  EXPECT_EQ(opened, 1) << "the stream is kept for later requests";

  agent.close();
  auto [ec3, reopened] = identities();
  EXPECT_FALSE(ec3);
  EXPECT_EQ(opened, 2);

  agent.close();
  refuse = true;
  auto [ec4, none] = identities();
  EXPECT_EQ(ec4, errc::agent_unavailable);
}

}  // namespace
}  // namespace sshlib
