// sshlib/tunnel.hpp and example-http-agent (the ssh2 README's HTTPAgent / HTTPSAgent): a
// Boost.Beast GET through a direct-tcpip channel to a loopback HTTP responder, and over
// asio::ssl::stream<sshlib::channel> to an HTTPS one whose self-signed certificate the test
// makes with the openssl CLI (checked: a name the certificate does not carry fails).
#include <sshlib/tunnel.hpp>  // first: the header stands on its own

#include "examples_support.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>

#include <type_traits>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// What asio::ssl and Beast need from the stream type, checked at compile time.
static_assert(std::is_same_v<asio::ssl::stream<channel>::lowest_layer_type, channel>);

TEST_F(ExampleTest, HttpAgentGetsAPageWithBeastThroughATunnel) {
  http_responder web("hello from the http agent\n");
  const std::string url = "http://127.0.0.1:" + std::to_string(web.port()) + "/agent?x=1";
  const auto r = run_child(example("example-http-agent", {url}), {}, example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << details(r);
  EXPECT_NE(r.out.find("Content-Length: 26\r\n"), std::string::npos) << details(r);
  EXPECT_NE(r.out.find("\r\n\r\nhello from the http agent\n"), std::string::npos) << details(r);
  const auto requests = web.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("GET /agent?x=1 HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("Host: 127.0.0.1:" + std::to_string(web.port()) + "\r\n"),
            std::string::npos)
      << requests[0];
  EXPECT_NE(requests[0].find("Connection: close\r\n"), std::string::npos) << requests[0];
}

TEST_F(ExampleTest, HttpAgentReportsATunnelTheServerCannotOpen) {
  const std::string url = "http://127.0.0.1:" + std::to_string(free_loopback_port()) + "/";
  const auto r = run_child(example("example-http-agent", {url}), {}, example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("channel open failed"), std::string::npos) << details(r);
}

// An HTTPS responder on 127.0.0.1 with a certificate for "localhost" made by openssl.
class HttpsAgentTest : public ExampleTest {
 protected:
  void SetUp() override {
    ExampleTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!program_available("openssl")) GTEST_SKIP() << "the openssl command is not installed";
    cert_ = (sshd_->server().dir() / "cert.pem").string();
    const std::string key = (sshd_->server().dir() / "cert.key").string();
    const auto r = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                                cert_, "-days", "1", "-subj", "/CN=localhost", "-addext",
                                "subjectAltName=DNS:localhost"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    tls_.use_certificate_chain_file(cert_);
    tls_.use_private_key_file(key, asio::ssl::context::pem);
    https_ = std::make_unique<listener_thread<asio::ip::tcp>>(
        asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), 0},
        [this](asio::ip::tcp::socket s) { return serve(std::move(s)); });
  }
  void TearDown() override { https_.reset(); }  // stop serving before tls_ goes

  asio::awaitable<void> serve(asio::ip::tcp::socket s) {
    asio::ssl::stream<asio::ip::tcp::socket> tls(std::move(s), tls_);
    co_await tls.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    co_await answer_http(tls, "secret page\n", [this](const std::string& head) {
      std::lock_guard lock(mutex_);
      requests_.push_back(head);
    });
    boost::system::error_code ignored;
    co_await tls.async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
  }
  std::string url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(https_->local_endpoint().port()) + "/secure";
  }

  asio::ssl::context tls_{asio::ssl::context::tls_server};
  std::string cert_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::unique_ptr<listener_thread<asio::ip::tcp>> https_;
};

TEST_F(HttpsAgentTest, GetsAPageOverTlsInsideTheTunnel) {
  // "localhost" is resolved by sshd (the name the certificate carries); the responder
  // listens on 127.0.0.1.
  const auto r = run_child(example("example-http-agent", {url("localhost"), "--ca", cert_}), {},
                           example_timeout);
  ASSERT_EQ(r.exit_code, 0) << details(r);
  EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << details(r);
  EXPECT_NE(r.out.find("\r\n\r\nsecret page\n"), std::string::npos) << details(r);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].rfind("GET /secure HTTP/1.1\r\n", 0), 0u) << requests_[0];
}

TEST_F(HttpsAgentTest, RefusesACertificateForAnotherName) {
  // Same server, reached as 127.0.0.1: the certificate names only "localhost".
  const auto r = run_child(example("example-http-agent", {url("127.0.0.1"), "--ca", cert_}), {},
                           example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << details(r);
  std::lock_guard lock(mutex_);
  EXPECT_TRUE(requests_.empty());
}

TEST_F(HttpsAgentTest, RefusesACertificateItWasNotToldToTrust) {
  // Without --ca, the system's CAs are used, and none signed this self-signed certificate.
  const auto r = run_child(example("example-http-agent", {url("localhost")}), {}, example_timeout);
  EXPECT_EQ(r.exit_code, 1) << details(r);
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << details(r);
}

}  // namespace
}  // namespace sshlib::test
