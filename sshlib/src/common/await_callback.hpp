// Lets a coroutine wait for an application callback that answers through a completion
// (a host key verdict, keyboard-interactive answers, an authentication decision). The
// completion posts to the coroutine's executor, so answering inline or later both work.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp needs std::exchange

#include <sshlib/detail/erased_handler.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sshlib::detail {

/// `start` receives a unique_function<void(T)>; the coroutine resumes with the value given.
/// T must not be an error_code (Asio would turn it into an exception): box it.
template <class T, class Start>
boost::asio::awaitable<T> await_callback(Start start) {
  auto token = boost::asio::use_awaitable;
  co_return co_await boost::asio::async_initiate<decltype(token), void(T)>(
      [start = std::move(start)](auto handler) mutable {
        auto ex = boost::asio::get_associated_executor(handler);
        start(erase_handler<T>(std::move(handler), ex));
      },
      token);
}

}  // namespace sshlib::detail
