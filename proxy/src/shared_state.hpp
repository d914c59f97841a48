// What every worker shares: the current configuration and policy (an immutable snapshot,
// swapped whole on reload), the event log, the pool that runs blocking checks (crypt(3)),
// and the few facts that must be seen across connections (TOTP steps already used).
// Everything here is thread-safe; the data path touches none of it.
#pragma once

#include "config.hpp"
#include "event_log.hpp"

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
  shared_state(std::shared_ptr<const daemon_config> config, std::unique_ptr<event_log> log);

  /// The configuration new connections use. A connection keeps the snapshot it started
  /// with, so a reload never changes the rules under a live authentication.
  std::shared_ptr<const daemon_config> config() const { return config_.load(); }
  void replace_config(std::shared_ptr<const daemon_config> next) { config_.store(std::move(next)); }

  event_log& log() noexcept { return *log_; }
  /// Two threads for checks that block (password hashing costs tens of milliseconds).
  boost::asio::thread_pool& blocking_pool() noexcept { return blocking_; }

  /// Records that `user` used TOTP time step `step`; false when that step or a later one
  /// was used already (a replayed code, even from another connection).
  bool claim_totp_step(const std::string& user, std::uint64_t step);
  std::uint64_t last_totp_step(const std::string& user) const;

  /// A new connection id ("c" + a counter), unique for the process's life.
  std::string next_connection_id();

  std::atomic<bool> draining{false};

 private:
  std::atomic<std::shared_ptr<const daemon_config>> config_;
  std::unique_ptr<event_log> log_;
  boost::asio::thread_pool blocking_{2};
  mutable std::mutex totp_mutex_;
  std::map<std::string, std::uint64_t> totp_steps_;
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace bastion
