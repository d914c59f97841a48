// Byte containers shared by every layer. secure_bytes wipes its memory whenever it is
// released (including on reallocation), so keys and shared secrets do not linger on the
// heap; secret_string does the same for passwords and passphrases and prints as "***".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

using bytes = std::vector<std::uint8_t>;
using byte_view = std::span<const std::uint8_t>;
using mutable_byte_view = std::span<std::uint8_t>;

/// Overwrites n bytes at p in a way the optimiser may not remove.
void secure_wipe(void* p, std::size_t n) noexcept;

/// An allocator whose deallocate() wipes the block first.
template <class T>
struct wiping_allocator {
  using value_type = T;
  wiping_allocator() noexcept = default;
  template <class U>
  wiping_allocator(const wiping_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    secure_wipe(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  bool operator==(const wiping_allocator<U>&) const noexcept { return true; }
};

using secure_bytes = std::vector<std::uint8_t, wiping_allocator<std::uint8_t>>;

/// A password or passphrase: wiped when released, never printed.
class secret_string {
public:
  secret_string() = default;
  secret_string(std::string_view s) : s_(s.begin(), s.end()) {}
  secret_string(const char* s) : secret_string(std::string_view(s)) {}

  std::string_view view() const noexcept { return {s_.data(), s_.size()}; }
  byte_view as_bytes() const noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s_.data()), s_.size()};
  }
  bool empty() const noexcept { return s_.empty(); }
  std::size_t size() const noexcept { return s_.size(); }

  friend std::ostream& operator<<(std::ostream& os, const secret_string&) { return os << "***"; }

private:
  std::vector<char, wiping_allocator<char>> s_;
};

/// True when a and b are equal, in time that depends only on their sizes (never on where
/// they first differ): for comparing passwords, tokens and MACs. Sizes are not hidden.
bool constant_time_equal(byte_view a, byte_view b) noexcept;

inline byte_view as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string_view(byte_view b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace sshlib
