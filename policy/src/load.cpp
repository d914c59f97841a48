// Loading a policy: JSON text or file -> policy_set, or every problem (load.hpp).
#include <bastion/policy/load.hpp>

#include "parse.hpp"

#include <cerrno>
#include <fstream>
#include <set>
#include <system_error>

namespace bastion::policy {

namespace {

// nlohmann keeps the last of duplicate keys silently; in a security policy
// {"shell": false, "shell": true} must be an error. This follows the parser's events to
// know each key's JSON pointer.
class duplicate_key_finder {
 public:
  explicit duplicate_key_finder(json_checker& c) : checker_(c) {}

  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using ev = nlohmann::json::parse_event_t;
    switch (event) {
      case ev::object_start:
      case ev::array_start:
        frames_.push_back(frame{event == ev::array_start, 0, {}, {}});
        break;
      case ev::key: {
        auto& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          checker_.add(pointer(),
                       "duplicate key \"" + top.key + "\" (JSON keeps only the last one)");
        }
        break;
      }
      case ev::object_end:
      case ev::array_end:
        frames_.pop_back();
        next_element();
        break;
      case ev::value:
        next_element();
        break;
    }
    return true;
  }

 private:
  struct frame {
    bool array;
    std::size_t index;
    std::string key;
    std::set<std::string, std::less<>> keys;
  };

  void next_element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::string pointer() const {
    std::string out;
    for (const auto& f : frames_) out = f.array ? json_child(out, f.index) : json_child(out, f.key);
    return out;
  }

  json_checker& checker_;
  std::vector<frame> frames_;
};

}  // namespace

load_result load_policy_document(const nlohmann::json& document, const std::string& source,
                                 const std::string& base_pointer) {
  json_checker c(source);
  auto out = std::make_shared<policy_set>();
  object_reader top(c, document, base_pointer, "the policy",
                    {"$schema", "users", "user_certificate_authorities", "targets", "rules"});
  if (top.is_object()) {
    (void)top.get_string("$schema");
    // Certificate authorities first: they decide whether publickey is possible for a user.
    if (const auto* v = top.find("user_certificate_authorities")) {
      detail::parse_user_cas(c, *v, top.path("user_certificate_authorities"), *out);
    }
    if (const auto* v = top.find("users")) detail::parse_users(c, *v, top.path("users"), *out);
    if (const auto* v = top.find("targets"))
      detail::parse_targets(c, *v, top.path("targets"), *out);
    if (const auto* v = top.find("rules")) detail::parse_rules(c, *v, top.path("rules"), *out);
    detail::check_references(c, base_pointer, *out);
  }
  if (!c.ok()) return load_result{nullptr, c.problems()};
  return load_result{std::move(out), {}};
}

load_result load_policy(std::string_view json_text, const std::string& source) {
  if (json_text.size() > max_policy_size) {
    return load_result{
        nullptr,
        {problem{source, "",
                 "the policy is larger than " + std::to_string(max_policy_size) + " bytes"}}};
  }
  nlohmann::json document;
  json_checker duplicates(source);
  try {
    document =
        nlohmann::json::parse(json_text.begin(), json_text.end(), duplicate_key_finder(duplicates));
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string message = e.what();
    if (const auto bracket = message.find("] ");
        message.front() == '[' && bracket != std::string::npos) {
      message.erase(0, bracket + 2);
    }
    return load_result{nullptr, {problem{source, "", "not valid JSON: " + message}}};
  }
  if (!duplicates.ok()) return load_result{nullptr, duplicates.problems()};
  return load_policy_document(document, source);
}

load_result load_policy_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  auto fail = [&](std::string message) {
    return load_result{nullptr, {problem{source, "", std::move(message)}}};
  };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return fail("cannot read the policy file: " + ec.message());
  if (!std::filesystem::is_regular_file(status))
    return fail("the policy file is not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot read the policy file: " + ec.message());
  if (size > max_policy_size) {
    return fail("the policy file has " + std::to_string(size) + " bytes; the limit is " +
                std::to_string(max_policy_size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open the policy file: " + std::generic_category().message(errno));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  // A file that grew after the size check is cut off at the limit and read as is: the JSON
  // parser then reports it.
  text.resize(static_cast<std::size_t>(in.gcount()));
  return load_policy(text, source);
}

}  // namespace bastion::policy
