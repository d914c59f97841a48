// The server side of user authentication (RFC 4252, RFC 4256): reads USERAUTH_REQUESTs,
// verifies public-key and host-based signatures itself, and asks the application to decide
// through sshlib::auth_request. Deny by default, a cap on failed attempts, and failures
// answered no sooner than a fixed delay after their request.
#pragma once

#include "transport/transport_session.hpp"

#include <sshlib/server.hpp>

#include <boost/asio/awaitable.hpp>

namespace sshlib::auth {

struct server_auth_result {
  std::string username;
  std::vector<std::string> methods_used;
  std::optional<key> auth_key;
};

/// Errors: authentication_failed (attempts exhausted, the peer gave up), protocol_error, or
/// the transport's error.
boost::asio::awaitable<result<server_auth_result>> authenticate_server(transport::transport_session& session,
                                                                       const server_config& config);

}  // namespace sshlib::auth
