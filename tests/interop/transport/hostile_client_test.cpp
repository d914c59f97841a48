// Bad input against our server over TCP: each hostile connection ends with a clear error
// while the server goes on serving the next, well-behaved client.
#include "test_server.hpp"

#include "transport/transport_machine.hpp"

#include <sshlib/client.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

class HostileClients : public ::testing::Test {
protected:
  void SetUp() override {
    server_config c;
    c.host_keys = {generate_key(key_type::ed25519).value()};
    c.failure_delay = std::chrono::milliseconds(1);
    c.login_grace_time = std::chrono::seconds(10);
    c.authentication = [](auth_request req) {
      if (req.kind() == auth_request::method_kind::password && req.password().view() == "pw") return req.accept();
      req.reject({"password"});
    };
    server_ = std::make_unique<test_server>(c);
  }

  tcp::socket connect() {
    tcp::socket s(io_);
    s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), server_->port()));
    return s;
  }

  // Sends raw bytes, then reads until the server closes; returns what it sent.
  std::string send_raw(const std::string& data) {
    auto s = connect();
    asio::write(s, asio::buffer(data));
    std::string got;
    boost::system::error_code ec;
    asio::read(s, asio::dynamic_buffer(got), ec);
    return got;
  }

  // A well-behaved client must still get through after every hostile one.
  void expect_server_still_serves() {
    io_.restart();
    client c(io_.get_executor());
    client_config cfg;
    cfg.username = "bob";
    cfg.password = secret_string("pw");
    boost::system::error_code result = make_error_code(errc::timeout);
    c.async_connect(make_byte_stream(connect()), cfg, [&](boost::system::error_code ec) { result = ec; });
    io_.run_for(std::chrono::seconds(20));
    EXPECT_FALSE(result) << result.message();
    auto o = server_->next_outcome();
    ASSERT_TRUE(o);
    EXPECT_FALSE(o->ec) << o->detail;
  }

  // A sans-IO client machine driven synchronously over a socket up to its first NEWKEYS,
  // so that a test can misbehave inside the encrypted stream.
  struct scripted_client {
    tcp::socket socket;
    std::unique_ptr<transport::transport_machine> m;

    void flush() {
      if (m->has_output()) asio::write(socket, asio::buffer(m->take_output()));
    }
    bool step() {
      auto buf = m->prepare_input(4096);
      boost::system::error_code ec;
      const std::size_t n = socket.read_some(asio::buffer(buf.data(), buf.size()), ec);
      if (ec) return false;
      m->commit_input(n);
      if (!m->process()) return false;
      while (auto e = m->next_event()) {
        if (std::holds_alternative<transport::events::verify_host_key>(*e)) (void)m->host_key_verdict(true);
      }
      flush();
      return true;
    }
  };

  scripted_client handshake(transport::transport_settings settings = {}) {
    settings.side = transport::role::client;
    scripted_client c{connect(), transport::transport_machine::create(settings).value()};
    EXPECT_TRUE(c.m->start());
    c.flush();
    while (!c.m->handshake_complete() || c.m->kex_in_progress()) {
      if (!c.step()) break;
    }
    return c;
  }

  asio::io_context io_;
  std::unique_ptr<test_server> server_;
};

TEST_F(HostileClients, GarbageInsteadOfABanner) {
  const std::string reply = send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("SSH-2.0-")) << reply;
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::invalid_version_line)) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, VersionLineOf300Bytes) {
  send_raw("SSH-2.0-" + std::string(292, 'x') + "\r\n");
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::invalid_version_line)) << o->detail;
  EXPECT_NE(o->detail.find("255"), std::string::npos) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, PacketLengthFFFFFFFF) {
  send_raw(std::string("SSH-2.0-x\r\n") + std::string("\xff\xff\xff\xff\x04", 5) + std::string(16, '\0'));
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::protocol_error)) << o->detail;
  EXPECT_NE(o->detail.find("packet length"), std::string::npos) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, PaddingUnderFourBytes) {
  // length 12, padding 2: a well-framed packet with illegal padding.
  send_raw(std::string("SSH-2.0-x\r\n") + std::string("\x00\x00\x00\x0c\x02", 5) + std::string(11, '\x14'));
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::protocol_error)) << o->detail;
  EXPECT_NE(o->detail.find("padding"), std::string::npos) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, MacFailureAfterTheHandshake) {
  auto c = handshake();
  ASSERT_TRUE(c.m->handshake_complete());
  ASSERT_TRUE(c.m->send(bytes{5, 0, 0, 0, 12, 's', 's', 'h', '-', 'u', 's', 'e', 'r', 'a', 'u', 't', 'h'}));
  bytes out = c.m->take_output();
  out[out.size() - 3] ^= 0x40;  // inside the tag
  asio::write(c.socket, asio::buffer(out));
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::authentication_failed)) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, IgnoreDuringStrictInitialKex) {
  transport::transport_settings s;
  s.side = transport::role::client;
  scripted_client c{connect(), transport::transport_machine::create(s).value()};
  ASSERT_TRUE(c.m->start());
  ASSERT_TRUE(c.m->send_ignore());  // before NEWKEYS: Terrapin's injection point
  c.flush();
  while (c.step()) {
  }
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::strict_kex_violation)) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, ServiceRequestBeforeNewkeys) {
  transport::transport_settings s;
  s.side = transport::role::client;
  s.strict_kex = false;
  scripted_client c{connect(), transport::transport_machine::create(s).value()};
  ASSERT_TRUE(c.m->start());
  c.flush();
  // Forge a plaintext SERVICE_REQUEST right after our KEXINIT (sequence 1, no keys yet).
  transport::packet_sealer forged;
  bytes wire;
  ASSERT_TRUE(forged.seal(bytes{50, 0, 0, 0, 0}, wire));
  asio::write(c.socket, asio::buffer(wire));
  while (c.step()) {
  }
  auto o = server_->next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::protocol_error)) << o->detail;
  expect_server_still_serves();
}

TEST_F(HostileClients, SilentClientHitsTheLoginGraceTime) {
  server_config c;
  c.host_keys = {generate_key(key_type::ed25519).value()};
  c.login_grace_time = std::chrono::milliseconds(300);
  test_server quick(c);
  tcp::socket s(io_);
  s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), quick.port()));
  auto o = quick.next_outcome();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ec, make_error_code(errc::timeout)) << o->detail;
}

}  // namespace
}  // namespace sshlib::test
