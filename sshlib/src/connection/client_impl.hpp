// The state behind sshlib::client: the transport session, the configuration, and what the
// connection learned (negotiated algorithms, authentication). The connection layer adds its
// channel table here.
#pragma once

#include "auth/client_auth.hpp"
#include "connection/connection_core.hpp"
#include "transport/transport_session.hpp"

#include <sshlib/agent_server.hpp>
#include <sshlib/client.hpp>

#include <boost/asio/steady_timer.hpp>

namespace sshlib {

class client_impl : public std::enable_shared_from_this<client_impl> {
public:
  explicit client_impl(boost::asio::any_io_executor ex) : executor_(std::move(ex)), ready_timer_(executor_) {}

  boost::asio::awaitable<boost::system::error_code> connect(std::unique_ptr<byte_stream> stream, client_config config,
                                                            std::string host, std::uint16_t port);
  void end();
  void rekey();

  boost::asio::any_io_executor executor_;
  std::shared_ptr<transport::transport_session> session_;
  client_config config_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool authenticated_ = false;
  auth::client_auth_state auth_state_;
  std::optional<negotiated_algorithms> negotiated_;
  std::optional<sshlib::error> last_error_;
  boost::asio::steady_timer ready_timer_;
  std::shared_ptr<connection::connection_core> core_;

  /// The forwards we asked for: the server may connect only these back to us.
  struct tcp_forward {
    std::string address;
    std::uint32_t port;
  };
  std::vector<tcp_forward> tcp_forwards_;
  std::vector<std::string> streamlocal_forwards_;
  /// Serves forwarded agent channels from config_.agent (made on first use).
  std::unique_ptr<agent_server> agent_server_;
  void on_channel_open(incoming_channel c);
  bool vendor_allows_openssh_extensions() const;

  boost::asio::awaitable<std::pair<boost::system::error_code, channel>> run_session(std::string request,
                                                                                   std::string argument,
                                                                                   session_options options);

private:
  boost::asio::awaitable<result<std::unique_ptr<byte_stream>>> open_tcp(const std::string& host, std::uint16_t port);
  transport::session_hooks make_hooks();
  boost::system::error_code fail(sshlib::error e);
};

}  // namespace sshlib
