// Bridges Asio's completion-token model to sshlib's non-template implementations. A public
// `async_*` function is a small header template that calls asio::async_initiate; its
// initiation wraps the handler with erase_handler and hands it to a compiled function. The
// wrapper keeps the handler's executor busy until completion and always completes by posting
// to that executor, so a handler never runs inside the initiating call.
#pragma once

#include <sshlib/detail/unique_function.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <tuple>
#include <utility>

namespace sshlib::detail {

/// The type-erased form of a completion handler with signature void(Args...).
template <class... Args>
using completion = unique_function<void(Args...)>;

/// Wraps `handler`; `io_executor` is the I/O object's executor, used when the handler has no
/// associated executor of its own.
template <class... Args, class Handler, class IoExecutor>
completion<Args...> erase_handler(Handler&& handler, const IoExecutor& io_executor) {
  auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler, io_executor),
                                      boost::asio::execution::outstanding_work.tracked);
  return [h = std::forward<Handler>(handler), ex = std::move(executor)](Args... args) mutable {
    boost::asio::post(ex, [h = std::move(h), values = std::make_tuple(std::move(args)...)]() mutable {
      std::apply(std::move(h), std::move(values));
    });
  };
}

}  // namespace sshlib::detail
