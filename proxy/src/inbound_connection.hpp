// One client connection to the bastion, from accept to close: its authentication against
// the policy snapshot it started with (inbound_auth.cpp), then each channel it opens: a
// direct-tcpip is hop mode (hop_forward_async.cpp) unless the user name names a target
// (then a forward from that target, terminating_forwards.cpp), a session is relayed to the
// named target (session_bridge.cpp) or, without one, gets the menu (menu.cpp). Lives on its
// worker's executor.
#pragma once

#include "shared_state.hpp"

#include <bastion/policy/authorization.hpp>
#include <bastion/policy/login_name.hpp>

#include <sshlib/channel.hpp>
#include <sshlib/server.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bastion {

class inbound_connection : public std::enable_shared_from_this<inbound_connection> {
 public:
  /// `shard`: the metrics shard of the worker it lives on.
  inbound_connection(shared_state& shared, boost::asio::any_io_executor executor,
                     boost::asio::ip::tcp::endpoint peer, metrics::shard_id shard);

  /// Points the connection's callbacks (authentication, channel opens, global requests)
  /// at this object. Called by the listener before the handshake.
  void configure(sshlib::server_config& config);
  /// The authenticated connection (keeps it open until it ends).
  void attach(std::shared_ptr<sshlib::server_connection> connection);
  /// Ends the connection (draining's deadline passed).
  void end();
  /// Called once when the authenticated connection has closed.
  void on_end(std::function<void()> f) { on_end_ = std::move(f); }

  const std::string& id() const noexcept { return id_; }
  /// The client's connection once authenticated (null before, and after it closed).
  const std::shared_ptr<sshlib::server_connection>& client_connection() const noexcept {
    return connection_;
  }
  std::string source_address() const;
  const std::string& user() const;
  shared_state& shared() noexcept { return shared_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const daemon_config& config() const noexcept { return *config_; }

  /// Logs an event with this connection's id, user and source added.
  void log(std::string_view event, nlohmann::json fields = nlohmann::json::object());

  /// Terminating mode: the connection to the target (one per inbound connection, since the
  /// user name fixes the target and login), made on first use.
  std::shared_ptr<class upstream> upstream_for(const policy::grant& g);
  /// Whether upstream_for(g) would reach g's target and login (false when this connection
  /// already has an upstream connection elsewhere: the menu's second choice, say).
  bool upstream_matches(const policy::grant& g) const;

  /// Numbers this connection's recorded channels: 1, 2, ...
  unsigned next_recording_number() noexcept { return ++recordings_; }
  /// Channels through this connection, counted for the disconnect event.
  void count_bytes(std::uint64_t up, std::uint64_t down) noexcept {
    bytes_up_ += up;
    bytes_down_ += down;
  }

 private:
  // inbound_auth.cpp
  void authenticate(sshlib::auth_request r);
  void conclude(sshlib::auth_request r, policy::auth_method method, const policy::decision& d,
                nlohmann::json detail = nlohmann::json::object());
  void deny_auth(sshlib::auth_request r, std::string_view method, std::string_view reason);
  std::vector<std::string> methods_left() const;

  // inbound_connection.cpp
  void on_channel(sshlib::incoming_channel c);
  void on_global_request(sshlib::global_request r);
  // The grant for the target and login the user name names (identity_->target is set).
  policy::access_decision authorize_terminating() const;
  void on_closed();

  shared_state& shared_;
  metrics::shard_id shard_;
  std::shared_ptr<const daemon_config> config_;  // the snapshot this connection lives by
  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::endpoint peer_;
  std::string id_;
  std::chrono::steady_clock::time_point started_;
  std::shared_ptr<sshlib::server_connection> connection_;

  std::string ssh_username_;  // as the client sent it ("alice+web1")
  std::optional<policy::login_name> identity_;
  std::vector<policy::auth_method> completed_;  // factors passed so far, in order
  bool authenticated_ = false;
  std::uint64_t bytes_up_ = 0, bytes_down_ = 0;
  unsigned recordings_ = 0;
  std::function<void()> on_end_;
  std::shared_ptr<class upstream> upstream_;
};

/// hop_forward_async.cpp: connects to the granted target and relays `c` to it.
void start_hop(std::shared_ptr<inbound_connection> conn, sshlib::incoming_channel c,
               policy::grant g);
/// session_bridge.cpp: a session channel in terminating mode, relayed to the target.
void start_terminating_session(std::shared_ptr<inbound_connection> conn, sshlib::incoming_channel c,
                               policy::grant g);
/// channel_relay_async.cpp: relays the two streams until both directions end, logging
/// "channel_open" with `fields` now and "channel_close" with bytes and duration then.
/// `user_side` faces the user: its bytes count as "bytes_up".
/// For a relay that is a session (hop mode): its max_sessions slot, held until it ends,
/// and the limits it is watched by (idle timeout, maximum duration).
struct relay_session {
  std::shared_ptr<class session_slot> slot;
  policy::session_limits limits;
};
void start_relay(std::shared_ptr<inbound_connection> conn,
                 std::unique_ptr<sshlib::byte_stream> user_side,
                 std::unique_ptr<sshlib::byte_stream> target_side, nlohmann::json fields,
                 std::optional<relay_session> session = std::nullopt);
/// terminating_forwards.cpp: in terminating mode, a direct-tcpip (ssh -L, -D, -W) goes on
/// from the target to host:port when the grant's local_forwards allow it.
void start_terminating_local_forward(std::shared_ptr<inbound_connection> conn,
                                     sshlib::incoming_channel c, policy::grant g);
/// terminating_forwards.cpp: tcpip-forward (ssh -R) and its cancel, asked of the target
/// when the grant's remote_forwards allow it; other global requests are refused.
void handle_terminating_global_request(std::shared_ptr<inbound_connection> conn,
                                       sshlib::global_request r, policy::grant g);
/// terminating_forwards.cpp: a channel the target opens to the bastion (a remote
/// forward's connection, an agent or X11 channel of a session that asked for them) goes
/// on to the user.
void on_upstream_channel(const std::weak_ptr<inbound_connection>& conn, sshlib::incoming_channel c);
/// A channel request kept to be sent on later (the menu's pty-req, env, window-change).
struct replayed_request {
  std::string type;
  sshlib::bytes data;
};
/// session_bridge.cpp: a session the menu has chosen a target for: `down` has had its
/// pty-req and env (in `replay`) and a shell, all answered; the target is reached as for a
/// named one, `replay` and a shell sent there, `typeahead` (what the user typed after the
/// choice) written, and the session relayed.
void start_chosen_session(std::shared_ptr<inbound_connection> conn, sshlib::channel down,
                          policy::grant g, std::vector<replayed_request> replay,
                          bool agent_requested, std::string typeahead);
/// menu.cpp: serves a session channel that named no target: the list of targets.
void serve_menu(std::shared_ptr<inbound_connection> conn, sshlib::channel ch);

}  // namespace bastion
