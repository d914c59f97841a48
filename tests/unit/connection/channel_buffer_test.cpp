// A channel's receive buffer stays within the window however the reader drains it: a
// reader that always leaves a little behind (it asks for less than is waiting while more
// arrives) must not make the buffer keep every byte ever received.
#include "connection/channel_impl.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <optional>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

TEST(ChannelReceiveBuffer, StaysBoundedWhenTheReaderNeverEmptiesIt) {
  boost::asio::io_context io;
  auto ch = std::make_shared<channel_impl>(std::weak_ptr<connection::connection_core>{},
                                           io.get_executor(), "session", 0);
  ch->opened(1, 1u << 20, 32768);
  const bytes packet(32768, 0x5a);
  std::vector<std::uint8_t> sink(32768 - 1);
  std::uint64_t received = 0, delivered = 0;
  std::size_t largest = 0;
  for (int i = 0; i < 2048; ++i) {  // 64 MiB through a 2 MiB window
    ASSERT_TRUE(ch->on_data(0, packet));
    received += packet.size();
    // One byte fewer than arrived: something is always left behind.
    ch->read(0, boost::asio::buffer(sink), [&](boost::system::error_code ec, std::size_t n) {
      ASSERT_FALSE(ec);
      delivered += n;
    });
    largest = std::max(largest, ch->receive_buffer_footprint(0));
  }
  EXPECT_EQ(received - delivered, 2048u);  // the byte left behind each time, still buffered
  EXPECT_LE(largest, 2u * 32768u);
}

std::shared_ptr<channel_impl> open_channel(boost::asio::io_context& io) {
  auto ch = std::make_shared<channel_impl>(std::weak_ptr<connection::connection_core>{},
                                           io.get_executor(), "session", 0);
  ch->opened(1, 1u << 20, 32768);
  return ch;
}

// Data for a reader that is waiting goes straight into its buffer: nothing is kept.
TEST(ChannelReceiveBuffer, DataForAWaitingReaderIsNotBufferedAgain) {
  boost::asio::io_context io;
  auto ch = open_channel(io);
  std::vector<std::uint8_t> sink(1000);
  std::size_t got = 0;
  ch->read(0, boost::asio::buffer(sink), [&](boost::system::error_code ec, std::size_t n) {
    ASSERT_FALSE(ec);
    got = n;
  });
  ASSERT_TRUE(ch->on_data(0, bytes(700, 0x11)));
  EXPECT_EQ(got, 700u);
  EXPECT_EQ(ch->receive_buffer_capacity(0), 0u);
  // More than the reader asked for: the rest waits in the buffer for the next read.
  ch->read(0, boost::asio::buffer(sink),
           [&](boost::system::error_code, std::size_t n) { got = n; });
  ASSERT_TRUE(ch->on_data(0, bytes(1500, 0x22)));
  EXPECT_EQ(got, 1000u);
  EXPECT_EQ(ch->receive_buffer_footprint(0), 500u);
}

TEST(ChannelReadiness, WouldBlockUntilDataThenTheWaiterWakes) {
  boost::asio::io_context io;
  auto ch = open_channel(io);
  std::array<std::uint8_t, 64> buf{};
  boost::system::error_code ec;
  EXPECT_EQ(ch->read_now(0, boost::asio::buffer(buf), ec), 0u);
  EXPECT_EQ(ec, boost::asio::error::would_block);
  std::optional<boost::system::error_code> woke;
  ch->wait_readable(0, [&](boost::system::error_code e) { woke = e; });
  io.poll();
  EXPECT_FALSE(woke.has_value());  // nothing arrived: still waiting
  ASSERT_TRUE(ch->on_data(0, bytes{'h', 'i'}));
  ASSERT_TRUE(woke.has_value());
  EXPECT_FALSE(*woke);
  EXPECT_EQ(ch->read_now(0, boost::asio::buffer(buf), ec), 2u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(buf[0], 'h');
  EXPECT_EQ(ch->read_now(0, boost::asio::buffer(buf), ec), 0u);
  EXPECT_EQ(ec, boost::asio::error::would_block);
}

// Data already there: the wait completes, but through the executor, never inside the call.
TEST(ChannelReadiness, WaitWithDataAlreadyThereCompletesLater) {
  boost::asio::io_context io;
  auto ch = open_channel(io);
  ASSERT_TRUE(ch->on_data(0, bytes(10, 0x44)));
  bool woke = false;
  ch->wait_readable(0, [&](boost::system::error_code e) { woke = !e; });
  EXPECT_FALSE(woke);
  io.poll();
  EXPECT_TRUE(woke);
}

TEST(ChannelReadiness, EndOfStreamWakesTheWaiterAndReadsAsEof) {
  boost::asio::io_context io;
  auto ch = open_channel(io);
  ASSERT_TRUE(ch->on_data(0, bytes(3, 0x55)));
  ch->on_eof();
  std::array<std::uint8_t, 8> buf{};
  boost::system::error_code ec;
  EXPECT_EQ(ch->read_now(0, boost::asio::buffer(buf), ec), 3u);  // data before EOF first
  EXPECT_FALSE(ec);
  EXPECT_EQ(ch->read_now(0, boost::asio::buffer(buf), ec), 0u);
  EXPECT_EQ(ec, boost::asio::error::eof);

  auto other = open_channel(io);
  std::optional<boost::system::error_code> woke;
  other->wait_readable(0, [&](boost::system::error_code e) { woke = e; });
  other->abort(boost::asio::error::connection_reset);
  ASSERT_TRUE(woke.has_value());
  EXPECT_EQ(other->read_now(0, boost::asio::buffer(buf), ec), 0u);
  EXPECT_EQ(ec, boost::asio::error::connection_reset);
}

TEST(ChannelReadiness, OneWaiterAtATime) {
  boost::asio::io_context io;
  auto ch = open_channel(io);
  ch->wait_readable(0, [](boost::system::error_code) {});
  std::optional<boost::system::error_code> second;
  ch->wait_readable(0, [&](boost::system::error_code e) { second = e; });
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, make_error_code(errc::invalid_value));
}

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

// A failed open can complete with an empty channel; asking it why must not crash.
TEST(EmptyChannel, AccessorsAnswerWithNothing) {
  channel empty;
  EXPECT_FALSE(empty.is_open());
  EXPECT_FALSE(empty.open_failure().has_value());
  EXPECT_FALSE(empty.exit_status().code.has_value());
  EXPECT_FALSE(empty.eof_received());
  EXPECT_EQ(empty.type(), "");
}

}  // namespace
}  // namespace sshlib::test
