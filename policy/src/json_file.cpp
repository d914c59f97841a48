// json_file.hpp: bounded, duplicate-checked JSON documents for the loaders.
#include <bastion/policy/json_file.hpp>

#include <cerrno>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

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

std::optional<nlohmann::json> parse_json_text(std::string_view text, std::size_t max_size,
                                              std::string_view what, json_checker& checker) {
  if (text.size() > max_size) {
    checker.add(
        "", "the " + std::string(what) + " is larger than " + std::to_string(max_size) + " bytes");
    return std::nullopt;
  }
  const auto before = checker.problems().size();
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text.begin(), text.end(), duplicate_key_finder(checker));
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string message = e.what();
    if (const auto bracket = message.find("] ");
        message.front() == '[' && bracket != std::string::npos) {
      message.erase(0, bracket + 2);
    }
    checker.add("", "not valid JSON: " + message);
    return std::nullopt;
  }
  if (checker.problems().size() != before) return std::nullopt;
  return document;
}

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path,
                                             std::size_t max_size, std::string_view what,
                                             json_checker& checker) {
  const std::string w(what);
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    checker.add("", "cannot read the " + w + " file: " + ec.message());
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    checker.add("", "the " + w + " file is not a regular file");
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > max_size) {
    checker.add("", ec ? "cannot read the " + w + " file: " + ec.message()
                       : "the " + w + " file has " + std::to_string(size) +
                             " bytes; the limit is " + std::to_string(max_size));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    checker.add("", "cannot open the " + w + " file: " + std::generic_category().message(errno));
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  // A file that grew after the size check is cut off at the limit; the parser reports it.
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_json_text(text, max_size, what, checker);
}

}  // namespace bastion::policy
