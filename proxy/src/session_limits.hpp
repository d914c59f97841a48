// A rule's session limits (policy "limits"), enforced per session:
//  - max_sessions: a slot claimed when a session starts (hop mode's direct-tcpip, terminating
//    mode's session channel) and released when it ends, counted per user and rule across
//    every worker; a session beyond the limit is refused with the reason;
//  - idle_timeout_seconds and max_duration_seconds: a watch on the session's byte counts
//    that ends the session (with the reason, where the user can see one) when no byte has
//    moved either way for the idle timeout, or when the maximum duration has passed.
#pragma once

#include <bastion/policy/authorization.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace bastion {

class shared_state;

/// One claimed max_sessions slot; released when destroyed.
class session_slot {
 public:
  /// Claims a slot of `g.user` under `g.rule`; null when `g.limits.max_sessions` are taken.
  static std::shared_ptr<session_slot> claim(shared_state& shared, const policy::grant& g);
  session_slot(shared_state& shared, std::string key) : shared_(shared), key_(std::move(key)) {}
  ~session_slot();
  session_slot(const session_slot&) = delete;
  session_slot& operator=(const session_slot&) = delete;

 private:
  shared_state& shared_;
  std::string key_;
};

/// How often the watch looks at the byte counts, at most: an idle session is ended between
/// idle_timeout and idle_timeout plus this.
inline constexpr std::chrono::seconds session_watch_period{1};

class session_watch : public std::enable_shared_from_this<session_watch> {
 public:
  using bytes_fn = std::function<std::uint64_t()>;            // bytes moved so far, both ways
  using expire_fn = std::function<void(const std::string&)>;  // why the session must end

  /// Does nothing unless `limits` has an idle timeout or a maximum duration.
  static std::shared_ptr<session_watch> start(boost::asio::any_io_executor ex,
                                              const policy::session_limits& limits, bytes_fn bytes,
                                              expire_fn expire);
  session_watch(boost::asio::any_io_executor ex, const policy::session_limits& limits,
                bytes_fn bytes, expire_fn expire);
  /// The session ended by itself: no more checks.
  void stop();

 private:
  void schedule();
  void check();

  boost::asio::steady_timer timer_;
  std::chrono::seconds idle_, max_duration_;
  bytes_fn bytes_;
  expire_fn expire_;
  std::chrono::steady_clock::time_point started_, last_activity_;
  std::uint64_t last_bytes_ = 0;
  bool stopped_ = false;
};

}  // namespace bastion
