// A wake-up for coroutines of one connection (all on one executor): wait() suspends until
// notify_all(). Waiters re-check their condition in a loop, so a notify with no waiter is
// harmless. Built on a steady_timer that never expires on its own.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sshlib::transport {

class async_signal {
public:
  explicit async_signal(const boost::asio::any_io_executor& ex) : timer_(ex) {
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
  }
  boost::asio::awaitable<void> wait() {
    boost::system::error_code ignored;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
  void notify_all() {
    timer_.cancel();
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
  }

private:
  boost::asio::steady_timer timer_;
};

}  // namespace sshlib::transport
