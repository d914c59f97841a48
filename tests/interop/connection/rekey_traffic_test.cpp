// Rekeying under load against a real sshd: 256 MiB (64 MiB for the other ciphers; set
// SSHLIB_REKEY_TEST_MIB for more, e.g. 1024) pushed through `cat` and compared byte for
// byte on the way back, while sshd rekeys every MiB (RekeyLimit), our client every 4 MiB
// (rekey_bytes) and on request (rekey() every 8 MiB sent). Nothing may be lost, duplicated or
// reordered across the hundreds of key exchanges this causes.
#include "../transport/client_sshd_support.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;

// Deterministic bytes, so the reader can check what comes back without storing it.
class byte_source {
public:
  explicit byte_source(std::uint64_t seed) : state_(seed | 1) {}
  void fill(std::uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      out[i] = static_cast<std::uint8_t>(state_ >> 32);
    }
  }

private:
  std::uint64_t state_;
};

struct traffic_outcome {
  std::size_t sent = 0, received = 0;
  std::size_t first_mismatch = SIZE_MAX;
  boost::system::error_code write_error, read_error;
  bool writer_done = false, reader_done = false;
};

struct traffic_case {
  std::string cipher;
  std::size_t mib;
};

std::size_t test_mib(std::size_t fallback) {
  const char* v = std::getenv("SSHLIB_REKEY_TEST_MIB");
  return v != nullptr && std::atoi(v) > 0 ? static_cast<std::size_t>(std::atoi(v)) : fallback;
}

class RekeyUnderTraffic : public ::testing::TestWithParam<traffic_case> {};

TEST_P(RekeyUnderTraffic, EchoedStreamSurvivesRekeysStartedByBothSides) {
  if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  const std::size_t mib = test_mib(GetParam().mib);
  const std::size_t total = mib << 20;
  constexpr std::size_t chunk = 64u << 10;
  sshd_server server;
  const key user_key = generate_key(key_type::ed25519).value();
  server.authorize(user_key.public_ssh());
  client_config c;
  c.username = sshd_server::user();
  c.private_key = user_key;
  c.rekey_bytes = 4u << 20;
  ASSERT_TRUE(c.algorithms.set(algorithm_category::cipher, {GetParam().cipher}));
  int rekeys = 0;
  c.handshake = [&](const negotiated_algorithms& n, bool initial) {
    if (!initial) ++rekeys;
    EXPECT_EQ(n.c2s.cipher, GetParam().cipher);
  };
  traffic_outcome t;
  const auto o = connect_to_sshd(server, c, {"RekeyLimit=1M"}, [&](client& cl, asio::io_context& io) {
    std::optional<channel> ch;
    bool opened = false;
    cl.async_exec("cat", [&](boost::system::error_code ec, channel opened_channel) {
      EXPECT_FALSE(ec) << ec.message();
      if (!ec) ch = opened_channel;
      opened = true;
    });
    while (!opened) io.run_one();
    ASSERT_TRUE(ch.has_value());
    asio::co_spawn(
        io,
        [&, ch = *ch]() mutable -> asio::awaitable<void> {
          byte_source src(42);
          std::vector<std::uint8_t> buf(chunk);
          std::size_t next_rekey = 8u << 20;
          while (t.sent < total) {
            src.fill(buf.data(), buf.size());
            boost::system::error_code ec;
            const std::size_t n = co_await asio::async_write(ch, asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
              t.write_error = ec;
              break;
            }
            t.sent += n;
            if (t.sent >= next_rekey) {
              cl.rekey();
              next_rekey += 8u << 20;
            }
          }
          ch.send_eof();
          t.writer_done = true;
        },
        asio::detached);
    asio::co_spawn(
        io,
        [&, ch = *ch]() mutable -> asio::awaitable<void> {
          byte_source expected(42);
          std::vector<std::uint8_t> buf(chunk), want(chunk);
          while (true) {
            boost::system::error_code ec;
            const std::size_t n = co_await ch.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
              if (ec != asio::error::eof) t.read_error = ec;
              break;
            }
            expected.fill(want.data(), n);
            if (t.first_mismatch == SIZE_MAX && std::memcmp(buf.data(), want.data(), n) != 0) {
              t.first_mismatch = t.received;
            }
            t.received += n;
          }
          t.reader_done = true;
        },
        asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
    while (!(t.writer_done && t.reader_done) && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(t.writer_done && t.reader_done) << "sent " << t.sent << ", received " << t.received;
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_FALSE(t.write_error) << t.write_error.message();
  EXPECT_FALSE(t.read_error) << t.read_error.message();
  EXPECT_EQ(t.sent, total);
  EXPECT_EQ(t.received, total);
  EXPECT_EQ(t.first_mismatch, SIZE_MAX) << "first differing byte at offset " << t.first_mismatch;
  // sshd alone rekeys after every MiB in each direction: hundreds of exchanges.
  EXPECT_GE(rekeys, static_cast<int>(mib)) << server.log();
}

INSTANTIATE_TEST_SUITE_P(Ciphers, RekeyUnderTraffic,
                         ::testing::Values(traffic_case{"chacha20-poly1305@openssh.com", 256},
                                           traffic_case{"aes256-gcm@openssh.com", 64}, traffic_case{"aes128-ctr", 64}),
                         [](const auto& param_info) {
                           std::string name = param_info.param.cipher;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace sshlib::test
