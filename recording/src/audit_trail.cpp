#include <bastion/recording/audit_trail.hpp>

#include <bastion/recording/lines.hpp>

#include <algorithm>
#include <istream>

namespace bastion::recording {
namespace {

using json = nlohmann::json;

std::string dump(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool plain_word(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    // Printable ASCII and UTF-8 sequences; not what would make the line ambiguous.
    return (u > 0x20 && u < 0x7f && c != '"' && c != '=' && c != '\\') || u >= 0x80;
  });
}

std::string shown(const json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // JSON's dump escapes control characters but keeps UTF-8 as it is; "replace" makes
    // invalid UTF-8 (which the log's writer already replaced) safe here too.
    if (!plain_word(s)) return dump(v);
    const std::string quoted = dump(v);
    return quoted.substr(1, quoted.size() - 2);
  }
  return dump(v);
}

}  // namespace

audit_trail session_audit_trail(std::istream& in, std::string_view session) {
  audit_trail trail;
  std::string text;
  for (std::uint64_t number = 1;; ++number) {
    const auto status = read_line(in, text, max_audit_line_bytes);
    if (status == line_status::end) break;
    if (status == line_status::too_long) {
      trail.problems.push_back(
          {number, "longer than " + std::to_string(max_audit_line_bytes) + " bytes (skipped)"});
      // The rest of that line, up to its newline.
      std::string rest;
      while (read_line(in, rest, max_audit_line_bytes) == line_status::too_long) {
      }
      continue;
    }
    if (text.empty()) continue;
    json event = json::parse(text, nullptr, false);
    if (!event.is_object()) {
      // A torn last line is the log being written now, not damage.
      if (status != line_status::torn)
        trail.problems.push_back({number, "not a JSON object (skipped)"});
      continue;
    }
    const auto conn = event.find("conn");
    if (conn == event.end() || !conn->is_string() || *conn != session) continue;
    trail.lines.push_back({std::move(text), std::move(event)});
    text.clear();
  }
  return trail;
}

std::string format_audit_event(const json& event) {
  std::string out;
  auto field = [&](const char* key) {
    const auto it = event.find(key);
    return it == event.end() ? std::string("-") : shown(*it);
  };
  out = field("ts") + " " + field("event");
  // nlohmann's objects iterate in key order.
  for (const auto& [key, value] : event.items()) {
    if (key == "ts" || key == "event" || key == "conn") continue;
    out += " " + (plain_word(key) ? key : dump(json(key))) + "=" + shown(value);
  }
  return out;
}

bool closes_recording(std::string_view line, std::string_view file_name) {
  const json event = json::parse(line, nullptr, false);
  if (!event.is_object()) return false;
  const auto name = event.find("event");
  const auto recording = event.find("recording");
  return name != event.end() && *name == "channel_close" && recording != event.end() &&
         recording->is_string() && *recording == file_name;
}

}  // namespace bastion::recording
