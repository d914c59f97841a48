// Sessions and exec both ways: our client runs commands on Debian's sshd (stdout, stderr,
// exit status, large output through the window), and OpenSSH's ssh runs commands on our
// server.
#include "../transport/client_sshd_support.hpp"
#include "../transport/test_server.hpp"

#include "support/process.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;

template <class Pred>
bool run_until(asio::io_context& io, Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

struct exec_result {
  boost::system::error_code ec;
  std::string out, err;
  exit_info exit;
  bool closed = false;
};

// Runs one command through an authenticated client and collects everything.
exec_result run_command(client& c, asio::io_context& io, const std::string& command, const std::string& input = {}) {
  exec_result r;
  std::optional<channel> ch;
  bool started = false;
  c.async_exec(command, [&](boost::system::error_code ec, channel opened) {
    r.ec = ec;
    if (!ec) ch = opened;
    started = true;
  });
  EXPECT_TRUE(run_until(io, [&] { return started; }));
  if (r.ec || !ch) return r;
  bool out_done = false, err_done = false;
  if (!input.empty()) {
    asio::async_write(*ch, asio::buffer(input), [&](boost::system::error_code, std::size_t) { ch->send_eof(); });
  } else {
    ch->send_eof();
  }
  asio::async_read(*ch, asio::dynamic_buffer(r.out), [&](boost::system::error_code, std::size_t) { out_done = true; });
  auto errs = ch->stderr_stream();
  asio::async_read(errs, asio::dynamic_buffer(r.err), [&](boost::system::error_code, std::size_t) { err_done = true; });
  ch->async_wait_closed([&](boost::system::error_code) { r.closed = true; });
  EXPECT_TRUE(run_until(io, [&] { return out_done && err_done && r.closed; }));
  r.exit = ch->exit_status();
  return r;
}

class ExecOnSshd : public ::testing::Test {
protected:
  void SetUp() override {
    if (auto why = sshd_server::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    server_ = std::make_unique<sshd_server>();
    user_key_ = generate_key(key_type::ed25519).value();
    server_->authorize(user_key_->public_ssh());
  }
  client_config config() const {
    client_config c;
    c.username = sshd_server::user();
    c.private_key = user_key_;
    return c;
  }
  std::unique_ptr<sshd_server> server_;
  std::optional<key> user_key_;
};

TEST_F(ExecOnSshd, StdoutStderrAndExitStatus) {
  exec_result r;
  const auto o = connect_to_sshd(*server_, config(), {}, [&](client& c, asio::io_context& io) {
    r = run_command(c, io, "echo hello; echo oops >&2; exit 3");
  });
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_EQ(r.exit.code, 3u);
}

TEST_F(ExecOnSshd, LargeOutputFlowsThroughTheWindow) {
  exec_result r;
  const auto o = connect_to_sshd(*server_, config(), {}, [&](client& c, asio::io_context& io) {
    r = run_command(c, io, "head -c 20000000 /dev/zero");
  });
  ASSERT_FALSE(o.ec);
  EXPECT_EQ(r.out.size(), 20000000u);
  EXPECT_EQ(r.exit.code, 0u);
}

TEST_F(ExecOnSshd, StdinReachesTheCommand) {
  exec_result r;
  std::string input(3 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < input.size(); i += 997) input[i] = static_cast<char>('a' + i % 26);
  const auto o = connect_to_sshd(*server_, config(), {}, [&](client& c, asio::io_context& io) {
    r = run_command(c, io, "sha256sum", input);
  });
  ASSERT_FALSE(o.ec);
  const auto expected = run_process({"sha256sum"}, input).out;
  EXPECT_EQ(r.out, expected);
}

TEST_F(ExecOnSshd, SignalExitIsReported) {
  exec_result r;
  const auto o = connect_to_sshd(*server_, config(), {}, [&](client& c, asio::io_context& io) {
    r = run_command(c, io, "kill -TERM $$");
  });
  ASSERT_FALSE(o.ec);
  EXPECT_EQ(r.exit.signal, "TERM");
  EXPECT_FALSE(r.exit.code.has_value());
}

TEST_F(ExecOnSshd, KeepalivesAreAnswered) {
  auto c = config();
  c.keepalive_interval = std::chrono::milliseconds(100);
  c.keepalive_count_max = 2;
  exec_result r;
  const auto o = connect_to_sshd(*server_, c, {}, [&](client& cl, asio::io_context& io) {
    r = run_command(cl, io, "sleep 1; echo alive");
  });
  ASSERT_FALSE(o.ec);
  EXPECT_EQ(r.out, "alive\n");
}

TEST_F(ExecOnSshd, HostkeysAnnouncedAndProvenAreReported) {
  auto c = config();
  std::vector<key> announced;
  std::vector<std::string> debug;
  c.hostkeys = [&](std::vector<key> keys) { announced = std::move(keys); };
  c.debug = [&](std::string_view line) { debug.emplace_back(line); };
  const auto o = connect_to_sshd(*server_, c, {}, [&](client&, asio::io_context& io) {
    // Reported only after sshd answered hostkeys-prove-00 with valid signatures.
    EXPECT_TRUE(run_until(io, [&] { return !announced.empty(); }));
  });
  ASSERT_FALSE(o.ec);
  EXPECT_GE(announced.size(), 2u);  // sshd announces its other host keys
  for (const auto& line : debug) EXPECT_EQ(line.find("host key announcement"), std::string::npos) << line;
}

// OpenSSH's ssh runs commands on our server.
TEST(SshExecOnOurServer, CommandOutputAndExitCode) {
  if (!program_available("ssh")) GTEST_SKIP() << "OpenSSH client not installed";
  temp_dir dir;
  const key host = generate_key(key_type::ed25519).value();
  const key user = generate_key(key_type::ed25519).value();
  write_file(dir / "id", user.private_openssh().value().view());
  std::filesystem::permissions(dir / "id", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  server_config sc;
  sc.host_keys = {host};
  sc.authentication = [](auth_request r) {
    if (r.kind() == auth_request::method_kind::publickey) return r.accept();
    r.reject({"publickey"});
  };
  sc.channel_open = [](incoming_channel in) {
    if (in.type != "session") return in.reject(channel_open_failure::unknown_channel_type, "sessions only");
    channel ch = in.accept();
    ch.on_request([ch](channel_request req) mutable {
      if (req.type() != "exec") return req.reject();
      req.accept();
      const std::string reply = "ran: " + req.text() + "\n";
      auto text = std::make_shared<std::string>(reply);
      asio::async_write(ch, asio::buffer(*text), [ch, text](boost::system::error_code, std::size_t) mutable {
        ch.exit(7);
        ch.close();
      });
    });
  };
  test_server server(sc, false);
  write_file(dir / "known_hosts", "[127.0.0.1]:" + std::to_string(server.port()) + " " + host.public_ssh() + "\n");
  const auto r = run_process({"ssh", "-F", "/dev/null", "-p", std::to_string(server.port()), "-i", (dir / "id").string(),
                              "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o",
                              "UserKnownHostsFile=" + (dir / "known_hosts").string(), "alice@127.0.0.1", "echo hi there"});
  EXPECT_EQ(r.out, "ran: echo hi there\n") << r.err;
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

// ssh's UpdateHostKeys learns our other host key: we announce it (hostkeys-00), ssh asks
// us to prove it (hostkeys-prove-00) and writes it to known_hosts once the proof verifies.
TEST(SshExecOnOurServer, UpdateHostKeysLearnsOurSecondKey) {
  if (!program_available("ssh")) GTEST_SKIP() << "OpenSSH client not installed";
  temp_dir dir;
  const key first = generate_key(key_type::ed25519).value();
  const key second = generate_key(key_type::ecdsa_p256).value();
  const key user = generate_key(key_type::ed25519).value();
  write_file(dir / "id", user.private_openssh().value().view());
  std::filesystem::permissions(dir / "id", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  server_config sc;
  sc.host_keys = {first, second};
  sc.authentication = [](auth_request r) {
    if (r.kind() == auth_request::method_kind::publickey) return r.accept();
    r.reject({"publickey"});
  };
  sc.channel_open = [](incoming_channel in) {
    channel ch = in.accept();
    ch.on_request([ch](channel_request req) mutable {
      if (req.type() != "exec") return req.reject();
      req.accept();
      ch.exit(0);
      ch.close();
    });
  };
  test_server server(sc, false);
  const std::string name = "[127.0.0.1]:" + std::to_string(server.port());
  write_file(dir / "known_hosts", name + " " + first.public_ssh() + "\n");
  const auto r = run_process({"ssh", "-F", "/dev/null", "-p", std::to_string(server.port()), "-i", (dir / "id").string(),
                              "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "UpdateHostKeys=yes", "-o",
                              "HostKeyAlgorithms=ssh-ed25519,ecdsa-sha2-nistp256", "-o", "UserKnownHostsFile=" + (dir / "known_hosts").string(),
                              "alice@127.0.0.1", "true"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string known = read_file(dir / "known_hosts");
  EXPECT_NE(known.find(second.public_ssh()), std::string::npos)  // generated keys have no comment
      << known << r.err;
}

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

TEST_F(ExecOnSshd, ForwardOutReachesALocalListener) {
  std::string got;
  const auto o = connect_to_sshd(*server_, config(), {}, [&](client& c, asio::io_context& io) {
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    asio::ip::tcp::socket peer(io);
    acceptor.async_accept(peer, [&](boost::system::error_code ec) {
      if (!ec) asio::async_write(peer, asio::buffer(std::string_view("hello through sshd")), [](auto, auto) {});
    });
    std::optional<channel> ch;
    boost::system::error_code open_ec = make_error_code(errc::timeout);
    bool opened = false;
    c.async_forward_out("127.0.0.1", 40000, "127.0.0.1", acceptor.local_endpoint().port(),
                        [&](boost::system::error_code ec, channel fwd) {
                          open_ec = ec;
                          if (!ec) ch = fwd;
                          opened = true;
                        });
    ASSERT_TRUE(run_until(io, [&] { return opened; }));
    ASSERT_FALSE(open_ec) << open_ec.message() << "\n" << server_->log();
    std::array<char, 64> buf{};
    bool done = false;
    asio::async_read(*ch, asio::buffer(buf.data(), 18), [&](boost::system::error_code, std::size_t n) {
      got.assign(buf.data(), n);
      done = true;
    });
    EXPECT_TRUE(run_until(io, [&] { return done; }));
    ch->close();
  });
  ASSERT_FALSE(o.ec);
  EXPECT_EQ(got, "hello through sshd");
}

}  // namespace
}  // namespace sshlib::test
