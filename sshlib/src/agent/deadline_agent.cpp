#include "agent/deadline_agent.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/steady_timer.hpp>

#include <optional>

namespace sshlib {

namespace {

// The operation's handler, called once by whichever comes first: the agent's answer or the
// deadline. Shared by both, so it lives until the later of them has run.
template <class Handler>
struct race : std::enable_shared_from_this<race<Handler>> {
  race(agent::executor_type ex, Handler h) : timer(std::move(ex)), handler(std::move(h)) {}
  boost::asio::steady_timer timer;
  std::optional<Handler> handler;

  template <class... Args>
  void finish(Args&&... args) {
    if (!handler) return;
    auto h = std::move(*handler);
    handler.reset();
    timer.cancel();
    h(std::forward<Args>(args)...);
  }
};

template <class Handler, class Timeout>
std::shared_ptr<race<Handler>> start_race(agent::executor_type ex,
                                          std::chrono::steady_clock::time_point deadline,
                                          Handler handler, Timeout on_timeout) {
  auto r = std::make_shared<race<Handler>>(std::move(ex), std::move(handler));
  r->timer.expires_at(deadline);
  r->timer.async_wait([r, on_timeout](boost::system::error_code ec) {
    if (!ec) on_timeout(*r);
  });
  return r;
}

}  // namespace

deadline_agent::deadline_agent(std::shared_ptr<agent> inner, executor_type executor,
                               std::chrono::steady_clock::time_point deadline)
    : inner_(std::move(inner)), executor_(std::move(executor)), deadline_(deadline) {}

void deadline_agent::do_identities(identities_handler handler) {
  auto r = start_race(executor_, deadline_, std::move(handler), [](auto& self) {
    self.finish(make_error_code(errc::timeout), std::vector<key>{});
  });
  inner_->async_identities(
      [r](boost::system::error_code ec, std::vector<key> keys) { r->finish(ec, std::move(keys)); });
}

void deadline_agent::do_sign(const key& public_key, bytes data, sign_flags flags,
                             sign_handler handler) {
  auto r = start_race(executor_, deadline_, std::move(handler),
                      [](auto& self) { self.finish(make_error_code(errc::timeout), bytes{}); });
  inner_->async_sign(
      public_key, std::move(data), flags,
      [r](boost::system::error_code ec, bytes sig) { r->finish(ec, std::move(sig)); });
}

}  // namespace sshlib
