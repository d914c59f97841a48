// sshlib-sshd's sftp subsystem (--sftp-root): OpenSSH's `sftp` in batch mode runs its
// commands against it, escape attempts stay inside the root, and our own sftp_client moves
// files through it byte-exact.
#include "sshd_example_support.hpp"

#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_frame_buffer.hpp"

#include <sshlib/sftp_client.hpp>

#include <boost/asio/write.hpp>

#include <sys/stat.h>

#include <random>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

class SshdExampleSftp : public sshd_example_fixture {
protected:
  void SetUp() override {
    sshd_example_fixture::SetUp();
    if (IsSkipped()) return;
    if (!program_available("sftp")) GTEST_SKIP() << "OpenSSH's sftp client is not installed";
    std::filesystem::create_directory(root_);
    std::filesystem::create_directory(local_);
    start({"--sftp-root", root_.string()});
  }

  // `sftp -b` with `commands`; each command's failure ends the batch unless prefixed "-".
  bounded_result sftp_batch(const std::string& commands) {
    write_file(dir_ / "batch", commands);
    std::vector<std::string> argv{"sftp", "-F", "/dev/null", "-P", std::to_string(server_->port()), "-i",
                                  (dir_ / "id").string(), "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                                  "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                                  "UserKnownHostsFile=" + (dir_ / "known_hosts").string(), "-b",
                                  (dir_ / "batch").string(), user_name() + "@127.0.0.1"};
    return run_bounded(argv);
  }

  std::filesystem::path root_ = dir_ / "root";    // what the server serves
  std::filesystem::path local_ = dir_ / "local";  // the client's side
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_F(SshdExampleSftp, OpenSSHsSftpRunsEveryCommand) {
  const std::string big = random_bytes(3 * 1024 * 1024 + 17, 1);
  write_file(local_ / "big", big);
  write_file(local_ / "small", "small file\n");
  // Halves for reget and reput to resume from.
  write_file(local_ / "half", big.substr(0, big.size() / 2));
  std::filesystem::create_directory(root_ / "pre");
  write_file(root_ / "pre" / "half", big.substr(0, big.size() / 2));
  const std::string l = local_.string();
  const auto r = sftp_batch(
      "version\n"
      "pwd\n"
      "mkdir d\n"
      "cd d\n"
      "lcd " + l + "\n"
      "lpwd\n"
      "put big\n"
      "put small\n"
      "ls -l\n"
      "chmod 640 small\n"
      "chown " + std::to_string(::getuid()) + " small\n"
      "chgrp " + std::to_string(::getgid()) + " small\n"
      "rename small renamed\n"
      "ln renamed hard\n"
      "ln -s renamed soft\n"
      "symlink big sym\n"
      "copy big copied\n"
      "get big big.back\n"
      "get soft soft.back\n"
      "reget big half\n"
      "reput big /pre/half\n"
      "df -h\n"
      "rm sym\n"
      "lmkdir " + l + "/ldir\n"
      "lls " + l + "\n"
      "mkdir empty\n"
      "rmdir empty\n"
      "progress\n"
      "-get missing\n"
      "ls -la\n"
      "cd ..\n"
      "ls\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << server_->log();
  EXPECT_EQ(read_file(root_ / "d" / "big"), big);
  EXPECT_EQ(read_file(root_ / "d" / "copied"), big);
  EXPECT_EQ(read_file(local_ / "big.back"), big);
  EXPECT_EQ(read_file(local_ / "half"), big);        // reget resumed
  EXPECT_EQ(read_file(root_ / "pre" / "half"), big);  // reput resumed
  EXPECT_EQ(read_file(local_ / "soft.back"), "small file\n");
  EXPECT_EQ(read_file(root_ / "d" / "hard"), "small file\n");
  EXPECT_EQ(std::filesystem::read_symlink(root_ / "d" / "soft"), "renamed");
  EXPECT_FALSE(std::filesystem::is_symlink(root_ / "d" / "sym"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "d" / "empty"));
  EXPECT_TRUE(std::filesystem::is_directory(local_ / "ldir"));
  struct stat st {};
  ASSERT_EQ(::stat((root_ / "d" / "renamed").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_NE(r.out.find("Remote working directory: /"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SFTP protocol version 3"), std::string::npos) << r.out;
}

TEST_F(SshdExampleSftp, EscapesStayInsideTheRoot) {
  write_file(dir_ / "secret", "outside the root\n");
  const std::string outside = (dir_ / "secret").string();
  const std::string l = local_.string();
  const auto r = sftp_batch(
      "cd /..\n"
      "pwd\n"
      "-get ../secret " + l + "/a\n"
      "-get /../../../../" + outside + " " + l + "/b\n"
      "-get " + outside + " " + l + "/c\n"
      "ln -s " + outside + " abs\n"
      "ln -s ../secret rel\n"
      "-get abs " + l + "/d\n"
      "-get rel " + l + "/e\n"
      "-put " + l + "/../secret ../secret\n"
      "-rename rel ../moved\n"
      "-rm ../secret\n"
      "ls -la /\n");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Remote working directory: /"), std::string::npos) << r.out;
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    EXPECT_FALSE(std::filesystem::exists(local_ / name)) << name << " came from outside the root\n" << r.out << r.err;
  }
  EXPECT_EQ(read_file(dir_ / "secret"), "outside the root\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "moved"));
  // The links were made, inside the root, with the text the client gave.
  EXPECT_EQ(std::filesystem::read_symlink(root_ / "abs"), outside);
}

TEST_F(SshdExampleSftp, OurClientMovesFilesThroughOurServer) {
  const std::string data = random_bytes(16 * 1024 * 1024 + 5, 2);
  write_file(local_ / "up", data);
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  std::optional<sftp_client> s;
  std::optional<error_code> result;
  sftp_client::async_start(c, sftp_options{}, [&](error_code ec, sftp_client opened) {
    result = ec;
    s = std::move(opened);
  });
  ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
  ASSERT_FALSE(*result) << result->message();
  EXPECT_TRUE(s->has_extension("posix-rename@openssh.com"));
  EXPECT_GT(s->limits().max_read_length, 0u);

  result.reset();
  s->async_fast_put((local_ / "up").string(), "/up", sftp::transfer_options{}, [&](error_code ec) { result = ec; });
  ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
  ASSERT_FALSE(*result) << result->message();
  EXPECT_EQ(read_file(root_ / "up"), data);

  result.reset();
  s->async_fast_get("/up", (local_ / "down").string(), sftp::transfer_options{}, [&](error_code ec) { result = ec; });
  ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
  ASSERT_FALSE(*result) << result->message();
  EXPECT_EQ(read_file(local_ / "down"), data);

  std::optional<std::string> real;
  s->async_realpath("/../../..", [&](error_code ec, std::string p) {
    EXPECT_FALSE(ec);
    real = p;
  });
  ASSERT_TRUE(run_until(io_, [&] { return real.has_value(); }));
  EXPECT_EQ(*real, "/");
  s->close();
  c.end();
}

// Raw bytes on the sftp subsystem: unknown and malformed requests get a STATUS naming their
// id and the session carries on; a frame with a zero length ends it.
TEST_F(SshdExampleSftp, MalformedRequestsGetAStatusAndABadFrameEndsTheSession) {
  namespace protocol = sftp::protocol;
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  std::optional<channel> ch;
  c.async_subsystem("sftp", [&](error_code ec, channel opened) {
    EXPECT_FALSE(ec) << ec.message();
    ch = std::move(opened);
  });
  ASSERT_TRUE(run_until(io_, [&] { return ch.has_value(); }));

  protocol::frame_buffer frames;
  auto send = [&](const bytes& raw) {
    bool sent = false;
    asio::async_write(*ch, asio::buffer(raw), [&](error_code ec, std::size_t) {
      EXPECT_FALSE(ec);
      sent = true;
    });
    ASSERT_TRUE(run_until(io_, [&] { return sent; }));
  };
  // The next reply, or nullopt once the server has ended the channel.
  auto receive = [&]() -> std::optional<protocol::response> {
    while (true) {
      auto next = frames.next();
      EXPECT_TRUE(next);
      if (next && *next) return protocol::decode_response(**next).value();
      std::optional<error_code> read;
      auto space = frames.prepare();
      ch->async_read_some(asio::buffer(space.data(), space.size()), [&](error_code ec, std::size_t n) {
        if (!ec) frames.commit(n);
        read = ec;
      });
      if (!run_until(io_, [&] { return read.has_value(); }) || *read) return std::nullopt;
    }
  };
  auto packet = [](std::uint8_t type, bytes body) {
    bytes p{0, 0, 0, 0, type};
    p.insert(p.end(), body.begin(), body.end());
    const auto n = static_cast<std::uint32_t>(p.size() - 4);
    p[0] = static_cast<std::uint8_t>(n >> 24);
    p[1] = static_cast<std::uint8_t>(n >> 16);
    p[2] = static_cast<std::uint8_t>(n >> 8);
    p[3] = static_cast<std::uint8_t>(n);
    return p;
  };

  send(protocol::encode_request(protocol::init_request{}).value());
  auto version = receive();
  ASSERT_TRUE(version && std::holds_alternative<protocol::version_response>(*version));

  send(packet(99, {0, 0, 0, 7}));  // no such message type, id 7
  auto unknown = receive();
  ASSERT_TRUE(unknown);
  const auto* s1 = std::get_if<protocol::status_response>(&*unknown);
  ASSERT_NE(s1, nullptr);
  EXPECT_EQ(s1->id, 7u);
  EXPECT_EQ(s1->code, sftp::status_code::op_unsupported);

  send(packet(3, {0, 0, 0, 8, 0, 0, 0, 50, 'x'}));  // OPEN whose path runs past the packet
  auto truncated = receive();
  ASSERT_TRUE(truncated);
  const auto* s2 = std::get_if<protocol::status_response>(&*truncated);
  ASSERT_NE(s2, nullptr);
  EXPECT_EQ(s2->id, 8u);
  EXPECT_EQ(s2->code, sftp::status_code::bad_message);
  EXPECT_FALSE(s2->message.empty());

  send({0, 0, 0, 0});  // a zero length: no packet can be framed after it
  EXPECT_FALSE(receive().has_value());
  c.end();
}

}  // namespace
}  // namespace sshlib::test
