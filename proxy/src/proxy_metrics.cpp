#include "proxy_metrics.hpp"

namespace bastion {
using metrics::bounded_label;
using metrics::fixed_label;

namespace {

// Target names come from the policy; more than this many fold into "other".
constexpr std::size_t max_target_labels = 256;

const std::vector<double> latency_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10,  30};
const std::vector<double> lag_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                         0.05,   0.1,   0.25,   0.5,   1};

std::string text(const nlohmann::json& fields, const char* key) {
  auto it = fields.find(key);
  return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number(const nlohmann::json& fields, const char* key) {
  auto it = fields.find(key);
  return it != fields.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The listener's reasons ("connection limit", ..., or the handshake's error) in a few words.
std::string_view rejection_kind(std::string_view reason) {
  if (reason == "connection limit") return "connection_limit";
  if (reason == "unauthenticated limit") return "unauthenticated_limit";
  if (reason == "per-source unauthenticated limit") return "per_source_limit";
  if (reason.find("login grace") != std::string_view::npos) return "login_timeout";
  if (reason.find("authenticat") != std::string_view::npos) return "auth_failed";
  return "handshake_failed";
}

// A denial's kind, from the event and its request or channel type.
std::string_view denial_kind(std::string_view event, const nlohmann::json& f) {
  const auto type = text(f, "type");
  const auto request = text(f, "request");
  if (event == "channel_denied") {
    if (type == "session") return "target";
    if (type == "direct-tcpip") return text(f, "mode") == "terminating" ? "local_forward" : "hop";
    return "channel";
  }
  if (request == "tcpip-forward" || request == "streamlocal-forward@openssh.com")
    return "remote_forward";
  if (request == "auth-agent-req@openssh.com") return "agent";
  if (request == "x11-req") return "x11";
  if (request == "pty-req") return "pty";
  if (request == "shell") return "shell";
  if (request == "exec") return "exec";
  if (request == "subsystem") return "subsystem";
  return "request";
}

// What a relayed channel counts as: a session (hop: the direct-tcpip that carries the
// user's end-to-end session) or a forward; "" for neither.
std::string_view session_mode(const std::string& type, const std::string& mode) {
  if (type == "session" && mode == "terminating") return "terminating";
  if (type == "direct-tcpip" && mode == "hop") return "hop";
  return {};
}
std::string_view forward_kind(const std::string& type, const std::string& mode) {
  if (type == "direct-tcpip" && mode == "terminating") return "local";
  if (type == "forwarded-tcpip") return "remote";
  if (type == "auth-agent@openssh.com") return "agent";
  if (type == "x11") return "x11";
  return {};
}

}  // namespace

proxy_metrics::proxy_metrics(metrics::registry& r)
    : connections_accepted(r.add_counter("bastion_connections_accepted_total",
                                         "TCP connections accepted by the listeners.")),
      connections_rejected(r.add_counter(
          "bastion_connections_rejected_total",
          "Connections ended before authentication completed, by reason.",
          {fixed_label("reason", {"connection_limit", "unauthenticated_limit", "per_source_limit",
                                  "login_timeout", "auth_failed", "handshake_failed"})})),
      connections_active(
          r.add_gauge("bastion_connections_active", "Authenticated client connections open now.")),
      handshake_seconds(r.add_histogram(
          "bastion_connections_handshake_duration_seconds",
          "From accept to authenticated: key exchange and user authentication.", latency_buckets)),
      auth_attempts(r.add_counter(
          "bastion_auth_attempts_total", "User authentication attempts, by method and result.",
          {fixed_label("method", {"publickey", "password", "keyboard-interactive", "none"}),
           fixed_label("result", {"success", "partial", "failure"})})),
      policy_denials(r.add_counter(
          "bastion_policy_denials_total", "Requests the policy refused, by kind.",
          {fixed_label("kind", {"target", "hop", "channel", "local_forward", "remote_forward",
                                "agent", "x11", "pty", "shell", "exec", "subsystem", "request"})})),
      upstream_connects(
          r.add_counter("bastion_upstream_connects_total",
                        "Terminating mode's connections to targets, by target and result.",
                        {bounded_label("target", max_target_labels),
                         fixed_label("result", {"success", "failure"})})),
      upstream_connect_seconds(
          r.add_histogram("bastion_upstream_connect_duration_seconds",
                          "Time to connect and log in to a target (terminating mode).",
                          latency_buckets, {bounded_label("target", max_target_labels)})),
      channels_opened(
          r.add_counter("bastion_channels_opened_total", "Channels relayed, by type.",
                        {fixed_label("type", {"session", "direct-tcpip", "forwarded-tcpip",
                                              "auth-agent@openssh.com", "x11"})})),
      sessions_active(r.add_gauge("bastion_sessions_active",
                                  "Sessions relayed now: hop mode's direct-tcpip channels "
                                  "to targets and terminating mode's session channels.",
                                  {fixed_label("mode", {"hop", "terminating"})})),
      forwards_active(r.add_gauge("bastion_forwards_active",
                                  "Forwarded channels open now (terminating mode), by kind.",
                                  {fixed_label("kind", {"local", "remote", "agent", "x11"})})),
      relayed_bytes(r.add_counter(
          "bastion_relayed_bytes_total",
          "Bytes relayed, counted when each channel closes; up is from the user to the target.",
          {fixed_label("direction", {"up", "down"}), fixed_label("mode", {"hop", "terminating"})})),
      policy_reloads(r.add_counter("bastion_policy_reloads_total",
                                   "Configuration and policy reloads (SIGHUP), by result.",
                                   {fixed_label("result", {"success", "failure"})})),
      recording_bytes(r.add_counter(
          "bastion_recording_bytes_total",
          "Bytes written to session recordings, counted when each recorded channel closes.")),
      recording_write_errors(r.add_counter(
          "bastion_recording_write_errors_total",
          "Session recordings that could not be created or written (full disk, I/O error).")),
      sftp_operations(r.add_counter(
          "bastion_sftp_operations_total",
          "SFTP operations audited in terminating mode (with recording on), by operation and "
          "whether the server did it.",
          {fixed_label("op", {"session",        "open",
                              "opendir",        "close",
                              "remove",         "rmdir",
                              "mkdir",          "rename",
                              "setstat",        "fsetstat",
                              "lsetstat",       "symlink",
                              "hardlink",       "readlink",
                              "realpath",       "stat",
                              "lstat",          "fstat",
                              "statvfs",        "fstatvfs",
                              "fsync",          "expand_path",
                              "home_directory", "copy_data",
                              "limits",         "users_groups_by_id",
                              "extended",       "unknown_request",
                              "audit_stopped"}),
           fixed_label("result", {"ok", "error"})})),
      sftp_bytes(r.add_counter("bastion_sftp_bytes_total",
                               "File bytes read and written through audited SFTP sessions, "
                               "counted when each file is closed.",
                               {fixed_label("direction", {"read", "written"})})),
      loop_lag_seconds(r.add_histogram(
          "bastion_worker_loop_lag_seconds",
          "How late a worker's periodic timer ran: time its event loop was busy elsewhere.",
          lag_buckets)) {}

void proxy_metrics::observe_event(metrics::shard_id shard, std::string_view event,
                                  const nlohmann::json& f) const {
  if (event == "auth") {
    auth_attempts.inc(shard, auth_attempts.series({text(f, "method"), text(f, "result")}));
  } else if (event == "connect") {
    connections_active.add(shard, 1);
    handshake_seconds.observe(shard, number(f, "login_seconds"));
  } else if (event == "disconnect") {
    connections_active.add(shard, -1);
  } else if (event == "rejected") {
    connections_rejected.inc(shard,
                             connections_rejected.series({rejection_kind(text(f, "reason"))}));
  } else if (event == "channel_denied" || event == "request_denied") {
    policy_denials.inc(shard, policy_denials.series({denial_kind(event, f)}));
  } else if (event == "upstream_connect") {
    const auto target = text(f, "target");
    upstream_connects.inc(shard, upstream_connects.series({target, "success"}));
    upstream_connect_seconds.observe(shard, upstream_connect_seconds.series({target}),
                                     number(f, "duration_seconds"));
  } else if (event == "upstream_failed") {
    upstream_connects.inc(shard, upstream_connects.series({text(f, "target"), "failure"}));
  } else if (event == "channel_open" || event == "channel_close") {
    const auto type = text(f, "type");
    const auto mode = text(f, "mode");
    const double step = event == "channel_open" ? 1 : -1;
    if (event == "channel_open") channels_opened.inc(shard, channels_opened.series({type}));
    if (auto m = session_mode(type, mode); !m.empty())
      sessions_active.add(shard, sessions_active.series({m}), step);
    if (auto k = forward_kind(type, mode); !k.empty())
      forwards_active.add(shard, forwards_active.series({k}), step);
    if (event == "channel_close") {
      const std::string_view relay_mode = mode == "hop" ? "hop" : "terminating";
      relayed_bytes.inc(shard, relayed_bytes.series({"up", relay_mode}),
                        static_cast<std::uint64_t>(number(f, "bytes_up")));
      relayed_bytes.inc(shard, relayed_bytes.series({"down", relay_mode}),
                        static_cast<std::uint64_t>(number(f, "bytes_down")));
      if (f.contains("recording_bytes"))
        recording_bytes.inc(shard, {}, static_cast<std::uint64_t>(number(f, "recording_bytes")));
    }
  } else if (event == "sftp") {
    const auto result = text(f, "result");
    sftp_operations.inc(
        shard,
        sftp_operations.series({text(f, "op"), result.empty() || result == "ok" ? "ok" : "error"}));
    if (text(f, "op") == "close" && text(f, "kind") == "file") {
      sftp_bytes.inc(shard, sftp_bytes.series({"read"}),
                     static_cast<std::uint64_t>(number(f, "bytes_read")));
      sftp_bytes.inc(shard, sftp_bytes.series({"written"}),
                     static_cast<std::uint64_t>(number(f, "bytes_written")));
    }
  } else if (event == "recording_failed") {
    recording_write_errors.inc(shard);
  } else if (event == "reload" || event == "reload_failed") {
    policy_reloads.inc(shard, policy_reloads.series({event == "reload" ? "success" : "failure"}));
  }
}

}  // namespace bastion
