// Runs an asynchronous operation to completion on an io_context from a plain test function:
// the operation is started with a callback that stores its results, then the context runs
// until it has no work left, which the operation keeps it from having until it completes.
#pragma once

#include <boost/asio/io_context.hpp>

#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace sshlib::test {

/// `initiate(handler)` must start one operation whose completion is void(Results...).
/// Throws std::logic_error if the context ran out of work without the operation completing.
template <class... Results, class Initiate>
std::tuple<Results...> run_async(boost::asio::io_context& ctx, Initiate&& initiate) {
  std::optional<std::tuple<Results...>> out;
  std::forward<Initiate>(initiate)([&out](Results... r) { out.emplace(std::move(r)...); });
  ctx.restart();
  ctx.run();
  if (!out) throw std::logic_error("asynchronous operation did not complete");
  return std::move(*out);
}

}  // namespace sshlib::test
