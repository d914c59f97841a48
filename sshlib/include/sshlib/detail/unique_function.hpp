// A move-only type-erased callable (std::move_only_function arrives only in C++23). Lets the
// non-template implementation of an async operation hold an Asio completion handler, which
// is usually move-only.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace sshlib::detail {

template <class Signature>
class unique_function;

template <class R, class... Args>
class unique_function<R(Args...)> {
public:
  unique_function() noexcept = default;
  unique_function(std::nullptr_t) noexcept {}

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, unique_function> &&
                                              std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
  unique_function(F&& f) : impl_(std::make_unique<holder<std::decay_t<F>>>(std::forward<F>(f))) {}

  unique_function(unique_function&&) noexcept = default;
  unique_function& operator=(unique_function&&) noexcept = default;

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  /// Precondition: not empty.
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

private:
  struct base {
    virtual ~base() = default;
    virtual R call(Args&&... args) = 0;
  };
  template <class F>
  struct holder final : base {
    template <class G>
    explicit holder(G&& g) : f(std::forward<G>(g)) {}
    R call(Args&&... args) override { return std::invoke(f, std::forward<Args>(args)...); }
    F f;
  };
  std::unique_ptr<base> impl_;
};

}  // namespace sshlib::detail
