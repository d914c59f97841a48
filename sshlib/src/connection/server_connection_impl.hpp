// The state behind sshlib::server_connection: the transport session, the configuration and
// what authentication established. The connection layer adds its channel table here.
#pragma once

#include "auth/server_auth.hpp"
#include "connection/connection_core.hpp"
#include "transport/transport_session.hpp"

#include <sshlib/server.hpp>

#include <boost/asio/steady_timer.hpp>

namespace sshlib {

class server_connection_impl : public std::enable_shared_from_this<server_connection_impl> {
public:
  server_connection_impl(std::unique_ptr<byte_stream> stream, server_config config)
      : executor_(stream->get_executor()), stream_(std::move(stream)), config_(std::move(config)),
        grace_timer_(executor_) {}

  boost::asio::awaitable<boost::system::error_code> handshake();
  void end();

  boost::asio::any_io_executor executor_;
  std::unique_ptr<byte_stream> stream_;  // until the session takes it
  server_config config_;
  std::shared_ptr<transport::transport_session> session_;
  auth::server_auth_result auth_;
  bool authenticated_ = false;
  std::optional<negotiated_algorithms> negotiated_;
  std::optional<sshlib::error> last_error_;
  boost::asio::steady_timer grace_timer_;
  std::shared_ptr<connection::connection_core> core_;
  /// async_wait_closed callers from before the connection layer started.
  std::vector<detail::completion<boost::system::error_code>> early_close_waiters_;

private:
  boost::system::error_code fail(sshlib::error e);
};

}  // namespace sshlib
