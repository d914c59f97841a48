#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>

#include <gtest/gtest.h>

namespace sshlib {
namespace {

TEST(Error, MessagesNameTheProblem) {
  EXPECT_EQ(make_error_code(errc::strict_kex_violation).message(), "strict key exchange violated");
  EXPECT_EQ(make_error_code(errc::host_key_rejected).category().name(), std::string("sshlib"));
}

TEST(Error, ClientLevelsFollowTheSeed) {
  EXPECT_EQ(client_error_level(make_error_code(errc::timeout)), "client-timeout");
  EXPECT_EQ(client_error_level(make_error_code(errc::connection_lost)), "client-socket");
  EXPECT_EQ(client_error_level(boost::asio::error::connection_refused), "client-socket");
  EXPECT_EQ(client_error_level(make_error_code(errc::disconnected_by_peer)), "client-ssh");
  EXPECT_EQ(client_error_level(make_error_code(errc::authentication_failed)), "client-ssh");
}

}  // namespace
}  // namespace sshlib
