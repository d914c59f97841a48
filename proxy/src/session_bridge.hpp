// Terminating mode's session channel: the user's channel (down) paired with a session
// channel on the upstream connection (up). Channel requests go up after the policy allows
// them (pty-req, env, shell, exec, subsystem; window-change and signal pass), and their
// answers come back; data flows both ways, stderr included, each direction reading only
// after the last write was taken, so memory stays within the SSH windows whatever the
// speeds; EOF is passed on; when the target's side closes, its exit status or signal goes
// to the user before the channel closes.
#pragma once

#include "inbound_connection.hpp"
#include "session_limits.hpp"
#include "session_recording.hpp"

#include <bastion/policy/authorization.hpp>
#include <bastion/recording/sftp_audit.hpp>

#include <sshlib/channel.hpp>

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>
#include <vector>

namespace bastion {

class session_bridge : public std::enable_shared_from_this<session_bridge> {
 public:
  session_bridge(std::shared_ptr<inbound_connection> conn, policy::grant g, sshlib::channel down,
                 sshlib::channel up, std::shared_ptr<session_slot> slot);
  /// Relays between the two channels.
  void start();
  /// For a target the user's forwarded agent logs in to: `up` is not open yet. Requests are
  /// held (an auth-agent-req is taken for the bastion's own use) until shell, exec or
  /// subsystem arrives; then the target is reached with the agent, the held requests go up
  /// in order with their answers, and the relay starts.
  void start_deferred();
  /// For a session the menu chose the target of: as start_deferred with the shell already
  /// asked for; `replay` goes to the target before the shell, then `typeahead`.
  /// A non-empty `refusal` ends the session with it instead.
  void start_chosen(std::vector<replayed_request> replay, bool agent_requested,
                    std::string typeahead, const std::string& refusal);

 private:
  struct direction {
    static constexpr std::size_t buffer_size = 32 * 1024;
    // Held only while a chunk is on its way: a quiet session holds no buffer.
    std::unique_ptr<std::uint8_t[]> buffer{};
    std::uint64_t bytes = 0;
    bool done = false;
  };
  void on_request(sshlib::channel_request r);
  bool refuse_if_denied(sshlib::channel_request& r);
  void forward(sshlib::channel_request r);
  void start_pumps();
  void reach_target();
  void start_chosen_shell();
  // Ends a session that never reached its target: `event` is logged with the reason.
  void fail_start(const std::string& reason, std::string_view event = "upstream_failed");
  // `from` and `to` are members: Asio's composed writes keep a reference to the stream.
  template <class From, class To>
  void pump(From& from, To& to, direction& d, bool pass_eof);
  void on_up_closed();
  void on_limit(const std::string& why);
  // Ends a running session for the bastion's own reason: `line` to the user's stderr,
  // exit status 1; the channel_close event gets `fields`.
  void end_session(const std::string& line, nlohmann::json fields);
  // Accepts the shell, exec or subsystem request `r` only to end the session at once with
  // `reason` on stderr and exit status 1 (see refuse_if_denied for why).
  void refuse_start(sshlib::channel_request& r, const std::string& reason);
  // Recording (docs/recording.md): opened when the session's shell, exec or subsystem is
  // asked for. Returns why the session must not start (configured, not openable, and
  // fail_closed), or "".
  std::string start_recording(const std::string& kind, std::optional<std::string> command);
  void record(const direction& d, std::size_t n);
  void schedule_flush();
  void start_sftp_audit();
  void on_recording_failed();
  // Closes the recording; its file name and size go into `fields` (channel_close).
  void finish_recording(nlohmann::json& fields);
  void on_down_closed();
  void maybe_finish();
  // The one "channel_close" event of a session whose "channel_open" was logged.
  void log_close(nlohmann::json fields);

  std::shared_ptr<inbound_connection> conn_;
  policy::grant grant_;
  sshlib::channel down_, up_;
  sshlib::channel::stderr_stream_type down_stderr_, up_stderr_;
  std::string notice_;  // a refusal's line on stderr, kept while it is written
  direction to_target_, from_target_, from_target_stderr_;
  std::string what_;  // "shell", "exec", "subsystem sftp" for the log
  std::chrono::steady_clock::time_point started_;
  bool up_closed_ = false;
  bool finished_ = false;
  bool deferred_ = false;         // start_deferred: `up_` is not open yet
  bool agent_requested_ = false;  // the client forwarded its agent to us
  bool agent_to_target_ = false;  // deferred: the rule lets the target use that agent too
  std::vector<sshlib::channel_request> held_;
  std::vector<replayed_request> replay_;  // start_chosen: sent up before the shell
  bool chosen_ = false;                   // start_chosen: the shell is asked for by us
  std::string typeahead_;
  std::shared_ptr<session_slot> slot_;       // max_sessions: released with the bridge
  std::shared_ptr<session_watch> watch_;     // idle timeout and maximum duration
  std::optional<sshlib::pty_settings> pty_;  // the allowed pty-req, for the recording
  std::unique_ptr<session_recording> recording_;
  // An sftp subsystem is audited operation by operation instead of recorded as streams.
  std::unique_ptr<recording::sftp_audit> sftp_;
  std::string recording_file_;  // kept for channel_close after a fail_open drop
  boost::asio::steady_timer flush_timer_;
};

}  // namespace bastion
