// What every worker shares: the current configuration and policy (an immutable snapshot,
// swapped whole on reload), the event log, the pool that runs blocking checks (crypt(3)),
// and the few facts that must be seen across connections (TOTP steps already used).
// Everything here is thread-safe; the data path touches none of it.
#pragma once

#include "config.hpp"
#include "event_log.hpp"
#include "proxy_metrics.hpp"

#include <bastion/metrics/registry.hpp>

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bastion {

class shared_state {
 public:
  /// `metric_shards`: one per thread that writes metrics (each worker, the main thread, the
  /// metrics endpoint's thread).
  shared_state(std::shared_ptr<const daemon_config> config, std::unique_ptr<event_log> log,
               std::size_t metric_shards);

  /// The configuration new connections use. A connection keeps the snapshot it started
  /// with, so a reload never changes the rules under a live authentication.
  std::shared_ptr<const daemon_config> config() const { return config_.load(); }
  void replace_config(std::shared_ptr<const daemon_config> next) { config_.store(std::move(next)); }

  event_log& log() noexcept { return *log_; }
  /// Writes an audit event and updates the metrics it stands for, in `shard` (the calling
  /// thread's own).
  void record(metrics::shard_id shard, std::string_view event, nlohmann::json fields) {
    metrics_.observe_event(shard, event, fields);
    log_->write(event, std::move(fields));
  }
  metrics::registry& registry() noexcept { return registry_; }
  const proxy_metrics& metrics() const noexcept { return metrics_; }
  /// Two threads for checks that block (password hashing costs tens of milliseconds).
  boost::asio::thread_pool& blocking_pool() noexcept { return blocking_; }

  /// Records that `user` used TOTP time step `step`; false when that step or a later one
  /// was used already (a replayed code, even from another connection).
  bool claim_totp_step(const std::string& user, std::uint64_t step);
  std::uint64_t last_totp_step(const std::string& user) const;

  /// Takes one of `max` concurrent session slots under `key` (a rule and user); false when
  /// all are taken. Every true is matched by one release_session (session_limits.hpp).
  bool claim_session(const std::string& key, unsigned max);
  void release_session(const std::string& key);
  /// A new connection id, also the session id of its recordings: the UTC time and 32 bits
  /// ("20261202T104018Z-5f3a9c01") from a random start counted up, so unique for the
  /// process's life and, by chance, across restarts; only [0-9A-Za-z-], safe in file names.
  std::string next_connection_id();

  std::atomic<bool> draining{false};

 private:
  std::atomic<std::shared_ptr<const daemon_config>> config_;
  std::unique_ptr<event_log> log_;
  metrics::registry registry_;
  proxy_metrics metrics_;  // after registry_: it declares its metrics there
  boost::asio::thread_pool blocking_{2};
  mutable std::mutex totp_mutex_;
  std::map<std::string, std::uint64_t> totp_steps_;
  std::mutex sessions_mutex_;  // taken once per session start and end, never per byte
  std::map<std::string, unsigned> sessions_;
  std::atomic<std::uint32_t> connections_;  // starts at a random value
};

}  // namespace bastion
