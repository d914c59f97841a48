// An allocator whose value-initialisation leaves bytes as they are: a receive buffer grown
// by resize() to take the next read is written by that read, so zero-filling it first is
// wasted work, and work repeated each time an idle connection's buffer comes back.
#pragma once

#include <memory>
#include <new>
#include <utility>

namespace sshlib::detail {

template <class T>
struct uninitialized_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = uninitialized_allocator<U>;
  };
  using std::allocator<T>::allocator;

  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialisation: no zeroing
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace sshlib::detail
