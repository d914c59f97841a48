#include "shared_state.hpp"

#include <bastion/metrics/build_info.hpp>
#include <bastion/metrics/process_collector.hpp>

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace bastion {

shared_state::shared_state(std::shared_ptr<const daemon_config> config,
                           std::unique_ptr<event_log> log, std::size_t metric_shards)
    : config_(std::move(config)),
      log_(std::move(log)),
      registry_("bastion", metric_shards),
      metrics_(registry_) {
  std::uint32_t start = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&start), sizeof start) != 1) start = 0;
  connections_ = start;
  registry_.add_collector(metrics::process_collector());
  // Read at scrape time: the log counts its own failures under its lock.
  registry_.add_collector([this] {
    return std::vector<metrics::family_snapshot>{
        {"bastion_audit_log_write_errors_total",
         "Event log lines that could not be written whole (a full disk, an I/O error).",
         metrics::metric_kind::counter,
         {},
         {{{}, static_cast<double>(log_->write_errors()), {}, 0}}}};
  });
  metrics::add_build_info(registry_, BASTION_VERSION);
}

bool shared_state::claim_totp_step(const std::string& user, std::uint64_t step) {
  std::lock_guard lock(totp_mutex_);
  auto& last = totp_steps_[user];
  if (step <= last) return false;
  last = step;
  return true;
}

std::uint64_t shared_state::last_totp_step(const std::string& user) const {
  std::lock_guard lock(totp_mutex_);
  auto it = totp_steps_.find(user);
  return it == totp_steps_.end() ? 0 : it->second;
}

bool shared_state::claim_session(const std::string& key, unsigned max) {
  std::lock_guard lock(sessions_mutex_);
  auto& n = sessions_[key];
  if (n >= max) return false;
  ++n;
  return true;
}

void shared_state::release_session(const std::string& key) {
  std::lock_guard lock(sessions_mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  if (--it->second == 0) sessions_.erase(it);
}

std::string shared_state::next_connection_id() {
  const std::uint32_t n = ++connections_;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ-%08x", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, n);
  return buf;
}

}  // namespace bastion
