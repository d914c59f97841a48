#include "session_limits.hpp"

#include "shared_state.hpp"

namespace bastion {

std::shared_ptr<session_slot> session_slot::claim(shared_state& shared, const policy::grant& g) {
  // A NUL cannot occur in either name (JSON text, checked names): the key is unambiguous.
  auto key = g.rule + std::string(1, '\0') + g.user;
  if (!shared.claim_session(key, g.limits.max_sessions)) return nullptr;
  return std::make_shared<session_slot>(shared, std::move(key));
}

session_slot::~session_slot() {
  shared_.release_session(key_);
}

std::shared_ptr<session_watch> session_watch::start(boost::asio::any_io_executor ex,
                                                    const policy::session_limits& limits,
                                                    bytes_fn bytes, expire_fn expire) {
  if (limits.idle_timeout_seconds == 0 && limits.max_duration_seconds == 0) return nullptr;
  auto w =
      std::make_shared<session_watch>(std::move(ex), limits, std::move(bytes), std::move(expire));
  w->schedule();
  return w;
}

session_watch::session_watch(boost::asio::any_io_executor ex, const policy::session_limits& limits,
                             bytes_fn bytes, expire_fn expire)
    : timer_(std::move(ex)),
      idle_(static_cast<std::chrono::seconds::rep>(limits.idle_timeout_seconds)),
      max_duration_(static_cast<std::chrono::seconds::rep>(limits.max_duration_seconds)),
      bytes_(std::move(bytes)),
      expire_(std::move(expire)),
      started_(std::chrono::steady_clock::now()),
      last_activity_(started_) {}

void session_watch::stop() {
  stopped_ = true;
  timer_.cancel();
}

void session_watch::schedule() {
  timer_.expires_after(session_watch_period);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->check();
  });
}

void session_watch::check() {
  const auto now = std::chrono::steady_clock::now();
  if (const auto b = bytes_(); b != last_bytes_) {
    last_bytes_ = b;
    last_activity_ = now;
  }
  std::string why;
  if (max_duration_.count() > 0 && now - started_ >= max_duration_) {
    why = "the session reached its maximum duration of " + std::to_string(max_duration_.count()) +
          " s";
  } else if (idle_.count() > 0 && now - last_activity_ >= idle_) {
    why = "the session was idle for " + std::to_string(idle_.count()) + " s";
  }
  if (why.empty()) return schedule();
  stopped_ = true;
  expire_(why);
}

}  // namespace bastion
