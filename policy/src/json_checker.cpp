// The path-qualified JSON walker (json_checker.hpp).
#include <bastion/policy/json_checker.hpp>

#include <algorithm>
#include <limits>

namespace bastion::policy {

std::string format_problem(const problem& p) {
  return p.source + ":" + (p.pointer.empty() ? std::string("/") : p.pointer) + ": " + p.message;
}

std::string format_problems(const std::vector<problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += format_problem(p) + "\n";
  return out;
}

std::string json_child(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out += '/';
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_child(std::string_view pointer, std::size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

std::string json_type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an unsupported value";
  }
}

void json_checker::add(std::string pointer, std::string message) {
  problems_.push_back(problem{source_, std::move(pointer), std::move(message)});
}

std::optional<std::string> json_checker::string_value(const nlohmann::json& v,
                                                      const std::string& pointer,
                                                      std::string_view what, bool allow_empty) {
  if (!v.is_string()) {
    add(pointer, std::string(what) + " must be a string, not " + json_type_name(v));
    return std::nullopt;
  }
  auto s = v.get<std::string>();
  if (s.empty() && !allow_empty) {
    add(pointer, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> json_checker::bool_value(const nlohmann::json& v, const std::string& pointer,
                                             std::string_view what) {
  if (!v.is_boolean()) {
    add(pointer, std::string(what) + " must be true or false, not " + json_type_name(v));
    return std::nullopt;
  }
  return v.get<bool>();
}

std::optional<std::int64_t> json_checker::integer_value(const nlohmann::json& v,
                                                        const std::string& pointer,
                                                        std::string_view what, std::int64_t min,
                                                        std::int64_t max) {
  const auto range = std::to_string(min) + "-" + std::to_string(max);
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) {
      add(pointer, std::string(what) + " " + std::to_string(u) + " is out of range " + range);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (!v.is_number_integer()) {
    add(pointer, std::string(what) + " must be an integer, not " + json_type_name(v));
    return std::nullopt;
  }
  const auto i = v.get<std::int64_t>();
  if (i < min || i > max) {
    add(pointer, std::string(what) + " " + std::to_string(i) + " is out of range " + range);
    return std::nullopt;
  }
  return i;
}

bool json_checker::expect_array(const nlohmann::json& v, const std::string& pointer,
                                std::string_view what) {
  if (v.is_array()) return true;
  add(pointer, std::string(what) + " must be an array, not " + json_type_name(v));
  return false;
}

std::optional<std::vector<std::string>> json_checker::string_array(const nlohmann::json& v,
                                                                   const std::string& pointer,
                                                                   std::string_view what,
                                                                   bool allow_empty_array) {
  if (!expect_array(v, pointer, what)) return std::nullopt;
  if (v.empty() && !allow_empty_array) {
    add(pointer, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (auto s = string_value(v[i], json_child(pointer, i), "each element")) out.push_back(*s);
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view closest_key(std::string_view key, std::initializer_list<std::string_view> known) {
  // Keys longer than any known one by far are not typos; this also bounds the work.
  if (key.size() > 64) return {};
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto k : known) {
    const auto d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (best_distance <= 2 && best_distance < key.size()) return best;
  return {};
}

object_reader::object_reader(json_checker& checker, const nlohmann::json& value,
                             std::string pointer, std::string_view what,
                             std::initializer_list<std::string_view> known)
    : checker_(checker), value_(value), pointer_(std::move(pointer)), object_(value.is_object()) {
  if (!object_) {
    checker_.add(pointer_, std::string(what) + " must be an object, not " + json_type_name(value));
    return;
  }
  for (const auto& [key, member] : value_.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = "unknown key \"" + key + "\"";
    if (const auto hint = closest_key(key, known); !hint.empty()) {
      message += " (did you mean \"" + std::string(hint) + "\"?)";
    }
    checker_.add(json_child(pointer_, key), std::move(message));
  }
}

const nlohmann::json* object_reader::find(std::string_view key) const {
  if (!object_) return nullptr;
  const auto it = value_.find(key);
  return it == value_.end() ? nullptr : &*it;
}

const nlohmann::json* object_reader::require(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr && object_) {
    checker_.add(pointer_, "missing required key \"" + std::string(key) + "\"");
  }
  return v;
}

std::optional<std::string> object_reader::get_string(std::string_view key, bool required,
                                                     bool allow_empty) const {
  const auto* v = required ? require(key) : find(key);
  if (v == nullptr) return std::nullopt;
  return checker_.string_value(*v, path(key), key, allow_empty);
}

std::optional<bool> object_reader::get_bool(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  return checker_.bool_value(*v, path(key), key);
}

std::optional<std::int64_t> object_reader::get_integer(std::string_view key, std::int64_t min,
                                                       std::int64_t max,
                                                       std::string_view what) const {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  return checker_.integer_value(*v, path(key), what.empty() ? key : what, min, max);
}

std::optional<std::vector<std::string>> object_reader::get_string_array(
    std::string_view key, bool required, bool allow_empty_array) const {
  const auto* v = required ? require(key) : find(key);
  if (v == nullptr) return std::nullopt;
  return checker_.string_array(*v, path(key), key, allow_empty_array);
}

}  // namespace bastion::policy
