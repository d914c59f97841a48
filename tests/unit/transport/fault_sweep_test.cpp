// A fault at every stage of the handshake and authentication: one bit flipped, or the
// stream cut, at a sweep of byte offsets in each direction between our client and our
// server. Every run must end on both sides with an error or with both authenticated -
// never a hang, a crash (the sanitizers watch), or one side believing it succeeded alone.
#include <sshlib/client.hpp>
#include <sshlib/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

namespace asio = boost::asio;
using socket_t = asio::local::stream_protocol::socket;

enum class fault { none, flip_bit, cut };

// Writes through to `inner`, corrupting or cutting at byte offset `at` of what is written.
class faulty_stream final : public byte_stream {
public:
  faulty_stream(std::unique_ptr<byte_stream> inner, fault f, std::size_t at, std::size_t* written,
                std::size_t* last_write_start)
      : inner_(std::move(inner)), fault_(f), at_(at), written_(written), last_write_start_(last_write_start) {}

  executor_type get_executor() override { return inner_->get_executor(); }
  void async_read_some(asio::mutable_buffer b, read_completion done) override { inner_->async_read_some(b, std::move(done)); }
  void async_write_some(asio::const_buffer b, read_completion done) override {
    *last_write_start_ = *written_;
    std::size_t n = b.size();
    if (fault_ == fault::cut) {
      if (*written_ >= at_) {
        inner_->close();
        asio::post(get_executor(), [d = std::move(done)]() mutable { d(asio::error::broken_pipe, 0); });
        return;
      }
      n = std::min(n, at_ - *written_);
    }
    auto copy = std::make_shared<bytes>(static_cast<const std::uint8_t*>(b.data()),
                                        static_cast<const std::uint8_t*>(b.data()) + n);
    if (fault_ == fault::flip_bit && at_ >= *written_ && at_ < *written_ + n) (*copy)[at_ - *written_] ^= 0x10;
    inner_->async_write_some(asio::buffer(*copy), [this, copy, d = std::move(done)](boost::system::error_code ec,
                                                                                     std::size_t sent) mutable {
      *written_ += sent;
      d(ec, sent);
    });
  }
  void close() noexcept override { inner_->close(); }

private:
  std::unique_ptr<byte_stream> inner_;
  fault fault_;
  std::size_t at_;
  std::size_t* written_;
  std::size_t* last_write_start_;
};

struct run_outcome {
  bool finished = false;
  boost::system::error_code client, server;
  std::size_t client_written = 0, server_written = 0;
  std::size_t handshake_written = 0;  // by the faulty side, up to both completing
  std::size_t last_write_start = 0;   // where the faulty side's last write before that began
  std::size_t last_write_scratch = 0;
};

// One connection: client authenticates with a key the server accepts. `client_side` says
// which direction gets the fault.
run_outcome run_once(fault f, std::size_t at, bool client_side) {
  static const key host = generate_key(key_type::ed25519).value();
  static const key user = generate_key(key_type::ed25519).value();
  asio::io_context io;
  socket_t a(io), b(io);
  asio::local::connect_pair(a, b);
  run_outcome out;
  std::unique_ptr<byte_stream> cs = make_byte_stream(std::move(a));
  std::unique_ptr<byte_stream> ss = make_byte_stream(std::move(b));
  if (client_side) {
    cs = std::make_unique<faulty_stream>(std::move(cs), f, at, &out.client_written, &out.last_write_scratch);
  } else {
    ss = std::make_unique<faulty_stream>(std::move(ss), f, at, &out.server_written, &out.last_write_scratch);
  }
  server_config sc;
  sc.host_keys = {host};
  sc.failure_delay = std::chrono::milliseconds(1);
  sc.login_grace_time = std::chrono::milliseconds(1500);
  sc.announce_host_keys = false;  // nothing written after authentication: every offset counts
  sc.authentication = [](auth_request r) {
    if (r.kind() == auth_request::method_kind::publickey && r.public_key() && r.public_key()->equals(user)) {
      return r.accept();
    }
    r.reject({"publickey"});
  };
  server_connection server(std::move(ss), sc);
  std::optional<boost::system::error_code> server_result, client_result;
  server.async_handshake([&](boost::system::error_code ec) { server_result = ec; });
  client c(io.get_executor());
  client_config cc;
  cc.username = "sweep";
  cc.private_key = user;
  cc.ready_timeout = std::chrono::milliseconds(1500);
  c.async_connect(std::move(cs), cc, [&](boost::system::error_code ec) { client_result = ec; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(client_result && server_result) && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  out.finished = client_result && server_result;
  // What was written up to here is the handshake and authentication; end() adds DISCONNECTs.
  out.handshake_written = client_side ? out.client_written : out.server_written;
  out.last_write_start = out.last_write_scratch;
  if (out.finished) {
    out.client = *client_result;
    out.server = *server_result;
  }
  c.end();
  server.end();
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  return out;
}

class FaultSweep : public ::testing::TestWithParam<bool> {};

TEST_P(FaultSweep, EveryFaultEndsCleanlyOnBothSides) {
  const bool client_side = GetParam();
  const auto clean = run_once(fault::none, 0, client_side);
  ASSERT_TRUE(clean.finished);
  ASSERT_FALSE(clean.client);
  ASSERT_FALSE(clean.server);
  const std::size_t total = clean.handshake_written;
  ASSERT_GT(total, 1000u);
  // About 150 offsets spread over everything this side writes (each run takes milliseconds
  // unless a fault makes a side wait for its timeout), plus the first bytes.
  std::vector<std::size_t> offsets{0, 1, 5, 20};
  for (std::size_t at = 37; at < total; at += total / 150) offsets.push_back(at);
  int flips_failed = 0;
  for (const std::size_t at : offsets) {
    for (const fault f : {fault::flip_bit, fault::cut}) {
      const auto r = run_once(f, at, client_side);
      const std::string where = std::string(f == fault::cut ? "cut" : "flip") + " at " + std::to_string(at) + " of " +
                                std::to_string(total);
      ASSERT_TRUE(r.finished) << where << ": a side never finished";
      // Never one side authenticated while the other failed - except when the server's own
      // last message, USERAUTH_SUCCESS, is damaged: it has decided and cannot know the
      // client never heard (the client then fails; it must not succeed).
      const bool success_damaged = !client_side && at >= clean.last_write_start;
      if (success_damaged) {
        EXPECT_TRUE(r.client) << where << ": client authenticated without an intact USERAUTH_SUCCESS";
      } else {
        EXPECT_EQ(!r.client, !r.server) << where << ": client " << r.client.message() << ", server "
                                        << r.server.message();
      }
      if (f == fault::cut && !success_damaged) {
        EXPECT_TRUE(r.client && r.server) << where << ": succeeded through a cut stream";
      }
      if (f == fault::flip_bit && r.client) ++flips_failed;
    }
  }
  // Most bytes matter: only a flip in padding, the KEXINIT cookie or the like goes unnoticed.
  EXPECT_GE(flips_failed, static_cast<int>(offsets.size() * 2 / 3)) << "of " << offsets.size();
}

INSTANTIATE_TEST_SUITE_P(Direction, FaultSweep, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "ClientWrites" : "ServerWrites"; });

}  // namespace
}  // namespace sshlib
