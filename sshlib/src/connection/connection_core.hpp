// The connection protocol of one authenticated connection (RFC 4254): the channel table,
// the dispatcher coroutine that routes every packet from the transport, channel opens in
// both directions, global requests (keepalive@openssh.com, hostkeys-00@openssh.com), and the
// client's keepalive timer.
#pragma once

#include "connection/channel_impl.hpp"
#include "transport/transport_session.hpp"

#include <sshlib/channel.hpp>
#include <sshlib/global_request.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>

namespace sshlib::connection {

using open_request = incoming_channel;
class connection_core;

/// Where the reply to one incoming global request waits for its turn (replies go out in
/// the order the requests came).
struct reply_slot {
  bool want_reply = false;
  bool decided = false;
  bool ok = false;
  bytes data;
};

/// What a sshlib::global_request holds: answering through it fills the slot; the last copy
/// going away unanswered rejects.
struct global_reply_slot {
  std::weak_ptr<connection_core> core;
  std::shared_ptr<reply_slot> slot;
  bool port_requested_zero = false;  // tcpip-forward with port 0: the reply carries a port
  void answer(bool ok, bytes data);
  ~global_reply_slot();
};

/// The application's view of a request, its known forms decoded; nullopt when a known form
/// is malformed (the request is then refused without asking the application).
std::optional<sshlib::global_request> make_application_request(const global_request_message& m,
                                                               std::weak_ptr<connection_core> core,
                                                               std::shared_ptr<reply_slot> slot);

/// Incoming global requests waiting for the application at once; more is an attack.
inline constexpr std::size_t max_pending_global_requests = 64;

struct core_hooks {
  /// Incoming channel opens; unset: every open is refused (administratively prohibited).
  std::function<void(open_request)> channel_open;
  /// Incoming global requests other than the ones handled here (the seed's `request`);
  /// unset: refused.
  std::function<void(sshlib::global_request)> global_request;
  /// Client: the host keys the server announced (hostkeys-00@openssh.com) and then proved
  /// it holds (hostkeys-prove-00@openssh.com); the seed's `hostkeys`. Unset: announcements
  /// are ignored without asking for proof.
  std::function<void(std::vector<key>)> hostkeys;
  /// Server: our private host keys, announced after authentication and used to answer
  /// proof requests. Empty: no announcement, proof requests refused.
  std::vector<key> host_keys;
  /// Client: diagnostics (the seed's `debug`).
  std::function<void(std::string_view)> debug;
};

class connection_core : public std::enable_shared_from_this<connection_core> {
public:
  connection_core(std::shared_ptr<transport::transport_session> session, bool is_client, core_hooks hooks);
  /// Channels outliving the connection learn it is gone and drop their handlers.
  ~connection_core();

  /// Starts the dispatcher (after authentication).
  void start();
  /// Opens a channel of `type` with type-specific `data`. Completion: (error_code, channel).
  void open_channel(std::string type, bytes data, detail::completion<boost::system::error_code, channel> done);
  /// Sends a global request; with want_reply the completion gets (error_code, reply data).
  void global_request(std::string name, bool want_reply, bytes data,
                      detail::completion<boost::system::error_code, bytes> done);
  /// Client keepalives (the seed's keepaliveInterval / keepaliveCountMax): a
  /// keepalive@openssh.com request every interval; `count_max` unanswered ones end the
  /// connection with errc::timeout.
  void start_keepalive(std::chrono::milliseconds interval, unsigned count_max);

  transport::transport_session& session() noexcept { return *session_; }
  boost::asio::any_io_executor executor() { return session_->get_executor(); }
  /// Sends a packet for a channel; false once the connection is closed.
  bool send(byte_view payload);
  void channel_closed(std::uint32_t local_id);
  std::size_t channel_count() const noexcept { return channels_.size(); }
  /// Fills a reply slot and sends every reply whose turn has come.
  void answer_global(const std::shared_ptr<reply_slot>& slot, bool ok, bytes data);
  /// Completes when the connection has ended, with the transport's close reason.
  void wait_closed(detail::completion<boost::system::error_code> done);
  bool closed() const noexcept { return finished_; }
  /// Client: a session asked for X11 / agent forwarding, so such opens may come.
  bool x11_requested = false;
  bool agent_requested = false;

private:
  boost::asio::awaitable<void> dispatch_loop();
  result<void> dispatch(const transport::incoming_packet& p);
  result<void> on_global_request(byte_view payload);
  void flush_global_replies();
  void on_hostkeys_announced(byte_view body);
  std::string rsa_host_key_algorithm() const;
  result<void> on_channel_open(byte_view payload);
  result<void> on_channel_message(byte_view payload);
  void keepalive_tick();
  std::optional<std::uint32_t> allocate_id();

  std::shared_ptr<transport::transport_session> session_;
  bool is_client_;
  core_hooks hooks_;
  std::map<std::uint32_t, std::shared_ptr<channel_impl>> channels_;
  std::map<std::uint32_t, detail::completion<boost::system::error_code, channel>> pending_opens_;
  std::map<std::uint32_t, std::string> open_types_;
  std::deque<detail::completion<boost::system::error_code, bytes>> pending_global_;
  std::deque<std::shared_ptr<reply_slot>> incoming_global_;
  std::vector<detail::completion<boost::system::error_code>> closed_waiters_;
  bool finished_ = false;
  bool no_more_sessions_ = false;
  std::uint32_t next_id_ = 0;
  boost::asio::steady_timer keepalive_timer_;
  std::chrono::milliseconds keepalive_interval_{0};
  unsigned keepalive_count_max_ = 3;
  unsigned keepalive_outstanding_ = 0;
};

}  // namespace sshlib::connection
