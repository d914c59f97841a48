// Terminating mode's outbound leg: one SSH client connection from the bastion to the
// target an inbound connection named, logged in as the granted login with the credential
// the policy names. Shared by every session channel of that inbound connection (the target
// and login are fixed by the user name). The target's host key must match the policy's pin
// (or its known_hosts file): a mismatch is refused and logged, never asked about.
#pragma once

#include <bastion/policy/authorization.hpp>

#include <sshlib/agent.hpp>
#include <sshlib/client.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bastion {

class inbound_connection;

class upstream : public std::enable_shared_from_this<upstream> {
 public:
  using ready_handler = std::function<void(const std::string& error)>;

  upstream(std::weak_ptr<inbound_connection> conn, boost::asio::any_io_executor ex, policy::grant g,
           std::chrono::seconds timeout);

  /// Calls `f` once the connection is up and logged in (error empty), or with a one-line
  /// reason for the user when it is not. The first call starts connecting.
  void async_ready(ready_handler f);
  sshlib::client& client() noexcept { return client_; }
  const policy::grant& granted() const noexcept { return grant_; }
  void close();

 private:
  void connect();
  // `log`: write the upstream_connect/upstream_failed event (not when the user has gone).
  void finish(const std::string& error, bool log = true);
  sshlib::client_config make_config(std::string& problem);

  std::weak_ptr<inbound_connection> conn_;
  policy::grant grant_;
  std::chrono::seconds timeout_;
  sshlib::client client_;
  boost::asio::steady_timer deadline_;  // connecting: handshake and login
  std::chrono::steady_clock::time_point started_;
  enum class state { idle, connecting, ready, failed } state_ = state::idle;
  std::string error_;
  std::string host_key_problem_;      // set by the verifier when it refuses
  std::string host_key_fingerprint_;  // the target's, as verified: for the audit log
  std::vector<ready_handler> waiting_;
  std::shared_ptr<sshlib::openssh_agent> agent_;  // the user's, when the policy says so
};

}  // namespace bastion
