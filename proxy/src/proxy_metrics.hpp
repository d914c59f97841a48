// The bastion's metrics, declared in one list (proxy_metrics.cpp). Most of them are fed
// by the audit events themselves (observe_event, called where each event is written), so
// the counters and the audit log of a run agree by construction; the rest (accepted
// connections, event-loop lag) are observed where they happen. Label values come from
// fixed lists or, for target names, from the policy with a cap: never from raw user input.
#pragma once

#include <bastion/metrics/registry.hpp>

#include <nlohmann/json.hpp>

#include <string_view>

namespace bastion {

struct proxy_metrics {
  /// Declares every metric in `r` (prefix "bastion"). Throws std::invalid_argument on a
  /// programming error in the list.
  explicit proxy_metrics(metrics::registry& r);

  /// Updates the metrics an audit event stands for, in `shard` (the writing thread's).
  void observe_event(metrics::shard_id shard, std::string_view event,
                     const nlohmann::json& fields) const;

  metrics::counter connections_accepted;
  metrics::counter connections_rejected;  // {reason}
  metrics::gauge connections_active;
  metrics::histogram handshake_seconds;
  metrics::counter auth_attempts;               // {method, result}
  metrics::counter policy_denials;              // {kind}
  metrics::counter upstream_connects;           // {target, result}
  metrics::histogram upstream_connect_seconds;  // {target}
  metrics::counter channels_opened;             // {type}
  metrics::gauge sessions_active;               // {mode}
  metrics::gauge forwards_active;               // {kind}
  metrics::counter relayed_bytes;               // {direction, mode}
  metrics::counter policy_reloads;              // {result}
  metrics::counter recording_bytes;
  metrics::counter recording_write_errors;
  metrics::counter sftp_operations;  // {op, result}
  metrics::counter sftp_bytes;       // {direction}
  metrics::histogram loop_lag_seconds;
};

}  // namespace bastion
