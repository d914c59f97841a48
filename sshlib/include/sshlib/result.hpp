// result<T>: the value of a pure function or the error that prevented it. Debian 12's
// Boost 1.74 has no boost::system::result and C++20 has no std::expected, so we keep this
// small type of our own. An error carries an error_code (for programs) and a detail string
// (for people: which input, what is wrong).
#pragma once

#include <sshlib/error.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace sshlib {

struct error {
  boost::system::error_code code;
  std::string detail;

  error() = default;
  error(boost::system::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}
  error(errc c, std::string d = {}) : code(make_error_code(c)), detail(std::move(d)) {}

  /// "<code message>: <detail>", or the code's message alone when there is no detail.
  std::string message() const {
    return detail.empty() ? code.message() : code.message() + ": " + detail;
  }
};

/// Thrown by result<T>::value() when the result holds an error: a programming error
/// (misuse), never a reaction to input.
class bad_result_access : public std::logic_error {
public:
  explicit bad_result_access(const error& e)
      : std::logic_error("sshlib::result holds an error: " + e.message()) {}
};

template <class T>
class [[nodiscard]] result {
public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(sshlib::error e) : v_(std::in_place_index<1>, std::move(e)) {}
  result(errc c, std::string detail = {}) : result(sshlib::error{c, std::move(detail)}) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// Precondition: !has_value().
  const sshlib::error& error() const& { return std::get<1>(v_); }
  sshlib::error&& error() && { return std::get<1>(std::move(v_)); }
  boost::system::error_code code() const noexcept {
    return has_value() ? boost::system::error_code{} : std::get<1>(v_).code;
  }

private:
  void check() const {
    if (!has_value()) throw bad_result_access(std::get<1>(v_));
  }
  std::variant<T, sshlib::error> v_;
};

template <>
class [[nodiscard]] result<void> {
public:
  result() = default;
  result(sshlib::error e) : err_(std::move(e)), failed_(true) {}
  result(errc c, std::string detail = {}) : result(sshlib::error{c, std::move(detail)}) {}

  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return !failed_; }
  void value() const {
    if (failed_) throw bad_result_access(err_);
  }
  const sshlib::error& error() const& { return err_; }
  boost::system::error_code code() const noexcept { return err_.code; }

private:
  sshlib::error err_;
  bool failed_ = false;
};

}  // namespace sshlib
