#include "transport/version_exchange.hpp"

#include <gtest/gtest.h>

namespace sshlib::transport {
namespace {

result<std::size_t> feed(identification_reader& r, std::string_view text) { return r.consume(as_bytes(text)); }

TEST(IdentificationReader, ParsesOpenSshLineAndLeavesTheRest) {
  identification_reader r(true);
  const std::string input = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n\x00\x00\x01";
  auto used = feed(r, input);
  ASSERT_TRUE(used);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(*used, input.find('\n') + 1);
  EXPECT_EQ(r.identification().protocol, "2.0");
  EXPECT_EQ(r.identification().software, "OpenSSH_9.2p1");
  EXPECT_EQ(r.identification().comments, "Debian-2+deb12u3");
  EXPECT_EQ(r.identification().raw, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
}

TEST(IdentificationReader, AcceptsByteAtATimeAndBareLf) {
  identification_reader r(false);
  for (char c : std::string("SSH-1.99-legacy\n")) {
    ASSERT_TRUE(feed(r, std::string_view(&c, 1)));
  }
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.identification().protocol, "1.99");
}

TEST(IdentificationReader, ClientAcceptsGreetingLinesServerDoesNot) {
  identification_reader client_side(true);
  ASSERT_TRUE(feed(client_side, "Welcome\r\nto here\r\nSSH-2.0-x\r\n"));
  EXPECT_EQ(client_side.identification().greeting_lines, (std::vector<std::string>{"Welcome", "to here"}));
  identification_reader server_side(false);
  auto r = feed(server_side, "GET / HTTP/1.1\r\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::invalid_version_line));
}

TEST(IdentificationReader, RejectsLongLinesOldProtocolsAndNul) {
  identification_reader a(true);
  EXPECT_FALSE(feed(a, "SSH-2.0-" + std::string(300, 'x') + "\r\n"));
  identification_reader b(true);
  EXPECT_FALSE(feed(b, "SSH-1.5-old\r\n"));
  identification_reader c(true);
  EXPECT_FALSE(feed(c, std::string("SSH-2.0-a\0b\r\n", 13)));
  identification_reader d(true);
  EXPECT_FALSE(feed(d, "SSH-2.0-\r\n"));
}

TEST(IdentificationReader, BoundsGreetingLines) {
  identification_reader r(true);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "line\r\n";
  EXPECT_FALSE(feed(r, many));
}

TEST(MakeIdentification, FormatsAndValidates) {
  EXPECT_EQ(make_identification("sshlib_0.1", "").value(), "SSH-2.0-sshlib_0.1\r\n");
  EXPECT_EQ(make_identification("sshlib_0.1", "hi there").value(), "SSH-2.0-sshlib_0.1 hi there\r\n");
  EXPECT_FALSE(make_identification("has space", ""));
  EXPECT_FALSE(make_identification("has-dash", ""));
  EXPECT_FALSE(make_identification("", ""));
  EXPECT_FALSE(make_identification(std::string(250, 'a'), ""));
}

}  // namespace
}  // namespace sshlib::transport
