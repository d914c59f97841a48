// frame_buffer: packets come out whole however the bytes arrive, and a bad length prefix
// is an error before anything is buffered for it.
#include "sftp/sftp_frame_buffer.hpp"

#include "sftp/sftp_limits.hpp"

#include <sshlib/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace sshlib::sftp::protocol {
namespace {

bytes frame(const bytes& payload) {
  bytes out{static_cast<std::uint8_t>(payload.size() >> 24), static_cast<std::uint8_t>(payload.size() >> 16),
            static_cast<std::uint8_t>(payload.size() >> 8), static_cast<std::uint8_t>(payload.size())};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// One read: at most what prepare() offers, as a channel read would be.
std::size_t feed(frame_buffer& f, const std::uint8_t* data, std::size_t n) {
  auto space = f.prepare();
  EXPECT_GE(space.size(), frame_buffer::read_chunk);
  n = std::min(n, space.size());
  std::copy(data, data + n, space.begin());
  f.commit(n);
  return n;
}

TEST(SftpFrameBuffer, PacketsComeOutWholeFromAnySplit) {
  const bytes a(100, 0x11), b(262500, 0x22), c(1, 0x33);  // b is larger than one read (256 KiB)
  bytes stream = frame(a);
  for (const auto& p : {b, c}) {
    const auto f = frame(p);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{65536}, stream.size()}) {
    frame_buffer f;
    std::vector<bytes> out;
    for (std::size_t at = 0; at < stream.size();) {
      at += feed(f, stream.data() + at, std::min(step, stream.size() - at));
      while (true) {
        auto next = f.next();
        ASSERT_TRUE(next) << next.error().message();
        if (!*next) break;
        out.emplace_back((*next)->begin(), (*next)->end());
      }
    }
    EXPECT_EQ(out, (std::vector<bytes>{a, b, c})) << "step " << step;
  }
}

TEST(SftpFrameBuffer, ZeroAndOversizedLengthsAreErrors) {
  const std::uint8_t zero[4] = {0, 0, 0, 0};
  frame_buffer f;
  feed(f, zero, 4);
  auto r = f.next();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::sftp_protocol_error));

  const auto too_long = static_cast<std::uint32_t>(limits::max_packet_length + 1);
  const std::uint8_t big[4] = {static_cast<std::uint8_t>(too_long >> 24), static_cast<std::uint8_t>(too_long >> 16),
                               static_cast<std::uint8_t>(too_long >> 8), static_cast<std::uint8_t>(too_long)};
  frame_buffer g;
  feed(g, big, 4);
  auto s = g.next();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, make_error_code(errc::length_exceeds_limit));
}

}  // namespace
}  // namespace sshlib::sftp::protocol
