// The client side of user authentication (RFC 4252, RFC 4256) over a transport session:
// asks for the ssh-userauth service, then tries the configured methods in the seed's order
// (none, password, publickey, keyboard-interactive) as long as the server lists them.
#pragma once

#include "transport/transport_session.hpp"

#include <sshlib/client.hpp>

#include <boost/asio/awaitable.hpp>

namespace sshlib::auth {

struct client_auth_state {
  std::vector<std::string> methods_left;  // from the last USERAUTH_FAILURE
  bool partial_success = false;
};

/// Errors: authentication_failed (every method tried and refused; the detail lists them),
/// protocol_error, or the transport's error.
boost::asio::awaitable<result<void>> authenticate_client(transport::transport_session& session,
                                                         const client_config& config, client_auth_state& state);

/// The signature algorithm to use for a key: for RSA the best of rsa-sha2-512 / rsa-sha2-256
/// the server announced in server-sig-algs (ssh-rsa when it announced neither); for a
/// certificate the matching *-cert-v01@openssh.com name.
std::string publickey_algorithm(const key& k, const std::map<std::string, std::string>& server_extensions);

}  // namespace sshlib::auth
