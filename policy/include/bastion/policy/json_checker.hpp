// A walker for JSON configuration that records every problem it finds, each qualified by
// its source (a file path or "inline") and its JSON pointer (RFC 6901), instead of stopping
// at the first one. The policy loader uses it, and so can any other JSON configuration.
//
// Usage: make a json_checker for a source, open each object with an object_reader that
// names the keys it knows (unknown keys are reported at once, with a suggestion when one
// known key is close), read members with the typed getters (a wrong type or range is
// reported and the getter returns nothing), and at the end read problems().
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::policy {

/// One thing wrong with a configuration.
struct problem {
  std::string source;   // file path, or "inline"
  std::string pointer;  // JSON pointer of the offending value ("" for the document)
  std::string message;  // what is wrong, for people
};

/// "source:pointer: message" (the pointer "" prints as "/" so the columns stay readable).
std::string format_problem(const problem& p);
/// Every problem, one per line, each ending in '\n'.
std::string format_problems(const std::vector<problem>& problems);

/// "pointer/key" with '~' and '/' in the key escaped as RFC 6901 says.
std::string json_child(std::string_view pointer, std::string_view key);
/// "pointer/index".
std::string json_child(std::string_view pointer, std::size_t index);
/// "an object", "a string", "an integer", ... for messages.
std::string json_type_name(const nlohmann::json& v);

/// Collects problems for one source.
class json_checker {
 public:
  explicit json_checker(std::string source) : source_(std::move(source)) {}

  void add(std::string pointer, std::string message);
  const std::string& source() const noexcept { return source_; }
  const std::vector<problem>& problems() const noexcept { return problems_; }
  bool ok() const noexcept { return problems_.empty(); }

  // Typed checks of one value at `pointer`; each reports a problem and returns nothing when
  // the value has the wrong type or is out of range. `what` names the value in messages
  // ("port 70000 is out of range 1-65535").
  std::optional<std::string> string_value(const nlohmann::json& v, const std::string& pointer,
                                          std::string_view what, bool allow_empty = false);
  std::optional<bool> bool_value(const nlohmann::json& v, const std::string& pointer,
                                 std::string_view what);
  std::optional<std::int64_t> integer_value(const nlohmann::json& v, const std::string& pointer,
                                            std::string_view what, std::int64_t min,
                                            std::int64_t max);
  /// An array of strings; elements of the wrong type are reported one by one and left out.
  std::optional<std::vector<std::string>> string_array(const nlohmann::json& v,
                                                       const std::string& pointer,
                                                       std::string_view what,
                                                       bool allow_empty_array = true);
  /// True when v is an array (reports otherwise).
  bool expect_array(const nlohmann::json& v, const std::string& pointer, std::string_view what);

 private:
  std::string source_;
  std::vector<problem> problems_;
};

/// One JSON object being read. The constructor reports a value that is not an object and
/// every key not in `known` ("unknown key \"shel\" (did you mean \"shell\"?)").
/// Lifetimes: the checker and the value must outlive the reader.
class object_reader {
 public:
  object_reader(json_checker& checker, const nlohmann::json& value, std::string pointer,
                std::string_view what, std::initializer_list<std::string_view> known);

  /// False when the value is not an object (already reported).
  bool is_object() const noexcept { return object_; }
  const std::string& pointer() const noexcept { return pointer_; }
  json_checker& checker() const noexcept { return checker_; }
  /// The member, or nullptr when absent (or when this is not an object).
  const nlohmann::json* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  /// The pointer of a member.
  std::string path(std::string_view key) const { return json_child(pointer_, key); }
  /// Reports "missing required key \"key\"" when absent; returns the member or nullptr.
  const nlohmann::json* require(std::string_view key) const;

  // Member getters: nothing when absent (reported only when `required`) or invalid.
  std::optional<std::string> get_string(std::string_view key, bool required = false,
                                        bool allow_empty = false) const;
  std::optional<bool> get_bool(std::string_view key) const;
  std::optional<std::int64_t> get_integer(std::string_view key, std::int64_t min, std::int64_t max,
                                          std::string_view what = {}) const;
  std::optional<std::vector<std::string>> get_string_array(std::string_view key,
                                                           bool required = false,
                                                           bool allow_empty_array = true) const;

 private:
  json_checker& checker_;
  const nlohmann::json& value_;
  std::string pointer_;
  bool object_ = false;
};

/// The known key closest to `key` when it is a plausible typo (edit distance at most 2,
/// and less than the key's length), else empty.
std::string_view closest_key(std::string_view key, std::initializer_list<std::string_view> known);

}  // namespace bastion::policy
