// A channel's receive buffer stays within the window however the reader drains it: a
// reader that always leaves a little behind (it asks for less than is waiting while more
// arrives) must not make the buffer keep every byte ever received.
#include "connection/channel_impl.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

TEST(ChannelReceiveBuffer, StaysBoundedWhenTheReaderNeverEmptiesIt) {
  boost::asio::io_context io;
  auto ch = std::make_shared<channel_impl>(std::weak_ptr<connection::connection_core>{}, io.get_executor(), "session", 0);
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
