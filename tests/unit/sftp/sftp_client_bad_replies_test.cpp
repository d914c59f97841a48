// Our SFTP client against a server that misbehaves: replies of the wrong kind, a frame too
// long, a reply that lies about its lengths, a reply before VERSION. Each fails the
// operations waiting with a clear error and never crashes or hangs.
#include "unit/auth/auth_loopback.hpp"

#include <sshlib/sftp_client.hpp>
#include <sshlib/sftp_server.hpp>

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

// A server whose "sftp" subsystem is the test's: `script` gets the channel once accepted.
struct raw_sftp_pair : auth_loopback {
  std::function<void(channel)> script;
  std::optional<error_code> started;
  std::optional<sftp_client> sftp;

  explicit raw_sftp_pair(std::function<void(channel)> server_script)
      : script(std::move(server_script)) {
    server_config sc;
    sc.authentication = [](auth_request r) { r.accept(); };
    sc.auth_methods = {"none"};
    sc.channel_open = [this](incoming_channel c) {
      auto ch = c.accept();
      ch.on_request([this, ch](channel_request r) mutable {
        r.accept();
        script(ch);
      });
    };
    run(user("alice"), std::move(sc));
    EXPECT_FALSE(*client_result) << client_result->message();
    sftp_client::async_start(*cl, sftp_options{}, [this](error_code ec, sftp_client s) {
      started = ec;
      sftp.emplace(std::move(s));
    });
    EXPECT_TRUE(run_until(io, [&] { return started.has_value(); }));
  }
};

// VERSION 3 with no extensions, as a framed packet.
const bytes version_packet = {0, 0, 0, 5, 2, 0, 0, 0, 3};

// Reads what the client sends (INIT, then one request), answering the first with VERSION
// and the second with `reply`.
void version_then(channel ch, bytes reply) {
  auto buf = std::make_shared<std::array<std::uint8_t, 4096>>();
  ch.async_read_some(
      asio::buffer(*buf), [ch, buf, reply = std::move(reply)](error_code ec, std::size_t) mutable {
        if (ec) return;
        asio::async_write(
            ch, asio::buffer(version_packet),
            [ch, buf, reply = std::move(reply)](error_code, std::size_t) mutable {
              ch.async_read_some(asio::buffer(*buf), [ch, buf, reply = std::move(reply)](
                                                         error_code rec, std::size_t) mutable {
                if (rec) return;
                auto out = std::make_shared<bytes>(std::move(reply));
                asio::async_write(ch, asio::buffer(*out), [out](error_code, std::size_t) {});
              });
            });
      });
}

error_code stat_error(raw_sftp_pair& p) {
  std::optional<error_code> out;
  p.sftp->async_stat("/x", [&](error_code ec, sftp::file_attributes) { out = ec; });
  EXPECT_TRUE(run_until(p.io, [&] { return out.has_value(); })) << "the operation hung";
  return out.value_or(error_code{});
}

TEST(SftpClientBadReplies, AFrameLongerThanTheLimitEndsTheSession) {
  raw_sftp_pair p([](channel ch) {
    version_then(ch, bytes{0x7f, 0xff, 0xff, 0xff, 105, 0, 0, 0, 0});
  });
  ASSERT_FALSE(p.started.value_or(error_code{})) << p.started->message();
  EXPECT_EQ(stat_error(p), errc::length_exceeds_limit);
  // The session is over: a later operation fails at once.
  EXPECT_TRUE(stat_error(p));
}

TEST(SftpClientBadReplies, AReplyWhoseFieldsOverrunItsPacketIsAProtocolError) {
  // DATA for request 0 claiming 1000 bytes of data in a 13-byte packet.
  raw_sftp_pair p([](channel ch) {
    version_then(ch, bytes{0, 0, 0, 13, 103, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 'a', 'b', 'c', 'd'});
  });
  ASSERT_FALSE(p.started.value_or(error_code{}));
  EXPECT_EQ(stat_error(p), errc::sftp_protocol_error);
}

TEST(SftpClientBadReplies, AnUnknownReplyTypeIsAProtocolError) {
  raw_sftp_pair p([](channel ch) { version_then(ch, bytes{0, 0, 0, 5, 99, 0, 0, 0, 0}); });
  ASSERT_FALSE(p.started.value_or(error_code{}));
  EXPECT_EQ(stat_error(p), errc::sftp_protocol_error);
}

TEST(SftpClientBadReplies, AReplyBeforeVersionFailsTheStart) {
  raw_sftp_pair p([](channel ch) {
    auto status = std::make_shared<bytes>(bytes{0, 0, 0, 9, 101, 0, 0, 0, 1, 0, 0, 0, 0});
    asio::async_write(ch, asio::buffer(*status), [status](error_code, std::size_t) {});
  });
  ASSERT_TRUE(p.started.has_value());
  EXPECT_EQ(*p.started, errc::sftp_protocol_error);
}

// Answers STAT with a HANDLE: well-formed, but not what STAT expects.
struct wrong_kind : sftp_server_handlers {
  void on_stat(sftp_request r, std::string) override { (void)r.reply_handle(bytes{1, 2, 3}); }
  void on_lstat(sftp_request r, std::string) override {
    sftp::file_attributes a;
    a.size = 5;
    (void)r.reply_attrs(a);
  }
};

TEST(SftpClientBadReplies, AReplyOfTheWrongKindFailsThatOperationOnly) {
  auto handlers = std::make_shared<wrong_kind>();
  raw_sftp_pair p([handlers](channel ch) {
    sftp_server::async_serve(ch, handlers, sftp_server_options{}, [](error_code) {});
  });
  ASSERT_FALSE(p.started.value_or(error_code{}));
  EXPECT_EQ(stat_error(p), errc::sftp_protocol_error);
  std::optional<error_code> lstat;
  std::uint64_t size = 0;
  p.sftp->async_lstat("/x", [&](error_code ec, sftp::file_attributes a) {
    lstat = ec;
    size = a.size.value_or(0);
  });
  ASSERT_TRUE(run_until(p.io, [&] { return lstat.has_value(); }));
  EXPECT_FALSE(*lstat) << lstat->message();
  EXPECT_EQ(size, 5u);
}

}  // namespace
}  // namespace sshlib::test
