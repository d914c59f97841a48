// parse_event: one event line, [time, code, data], checked against its format's codes
// (docs/recording.md).
#include <bastion/recording/base64_decode.hpp>
#include <bastion/recording/reader.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace bastion::recording {
namespace {

using json = nlohmann::json;

// An event code for an error message: JSON-quoted (no control characters reach a terminal)
// and short, however long the recording's.
std::string shown(const std::string& code) {
  constexpr std::size_t most = 16;
  const json quoted = code.size() > most ? code.substr(0, most) + "..." : code;
  return quoted.dump(-1, ' ', true, json::error_handler_t::replace);
}

// "COLSxROWS", each a decimal in 1..max_terminal_dimension.
bool valid_size(std::string_view s) {
  const auto x = s.find('x');
  if (x == std::string_view::npos) return false;
  for (const auto part : {s.substr(0, x), s.substr(x + 1)}) {
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || n == 0 ||
        n > max_terminal_dimension)
      return false;
  }
  return true;
}

std::optional<std::string> terminal_data(const std::string& code, const json& data, event& out) {
  if (code != "o" && code != "i" && code != "r" && code != "m")
    return "unknown terminal event code " + shown(code);
  if (!data.is_string()) return "the data of a " + shown(code) + " event is not a string";
  out.data = data.get<std::string>();
  if (code == "r" && !valid_size(out.data)) return "a resize event that is not \"COLSxROWS\"";
  return std::nullopt;
}

std::optional<std::string> exit_data(const json& data, event& out) {
  if (!data.is_object()) return "the data of an \"exit\" event is not an object";
  exit_info e;
  if (const auto s = data.find("status"); s != data.end()) {
    if (!s->is_number_unsigned() || s->get<std::uint64_t>() > UINT32_MAX)
      return "an \"exit\" event whose \"status\" is not an integer in 0..2^32-1";
    e.status = static_cast<std::uint32_t>(s->get<std::uint64_t>());
  } else if (const auto sig = data.find("signal"); sig != data.end()) {
    if (!sig->is_string() || sig->get_ref<const std::string&>().empty())
      return "an \"exit\" event whose \"signal\" is not a name";
    e.signal = sig->get<std::string>();
    if (const auto core = data.find("core_dumped"); core != data.end()) {
      if (!core->is_boolean()) return "an \"exit\" event whose \"core_dumped\" is not a boolean";
      e.core_dumped = core->get<bool>();
    }
  } else {
    return "an \"exit\" event with neither \"status\" nor \"signal\"";
  }
  out.exit = std::move(e);
  return std::nullopt;
}

std::optional<std::string> streams_data(const std::string& code, const json& data, event& out) {
  if (code == "exit") return exit_data(data, out);
  if (code != "i" && code != "o" && code != "e" && code != "cut")
    return "unknown streams event code " + shown(code);
  if (!data.is_string()) return "the data of a " + shown(code) + " event is not a string";
  const auto& text = data.get_ref<const std::string&>();
  if (code == "cut") {
    if (text != "i" && text != "o" && text != "e")
      return "a \"cut\" event whose stream is not \"i\", \"o\" or \"e\"";
    out.data = text;
    return std::nullopt;
  }
  auto bytes = decode_base64(text);
  if (!bytes) return "the data of an " + shown(code) + " event is not valid base64";
  out.data = std::move(*bytes);
  return std::nullopt;
}

}  // namespace

parse_result<event> parse_event(std::string_view line, format f, std::uint64_t line_number,
                                double previous_time) {
  parse_result<event> r;
  r.error.line = line_number;
  const json e = json::parse(line, nullptr, false);
  if (e.is_discarded()) {
    r.error.what = "event: not JSON";
    return r;
  }
  if (!e.is_array() || e.size() != 3 || !e[0].is_number() || !e[1].is_string()) {
    r.error.what = "event: not [time, code, data]";
    return r;
  }
  event out;
  out.time = e[0].get<double>();
  if (!std::isfinite(out.time) || out.time < 0 || out.time > max_event_seconds) {
    r.error.what = "event: time out of range";
    return r;
  }
  if (out.time < previous_time) {
    r.error.what = "event: time goes backwards (" + std::to_string(out.time) + " after " +
                   std::to_string(previous_time) + ")";
    return r;
  }
  out.code = e[1].get<std::string>();
  auto problem = f == format::terminal ? terminal_data(out.code, e[2], out)
                                       : streams_data(out.code, e[2], out);
  if (problem) {
    r.error.what = "event: " + std::move(*problem);
    return r;
  }
  r.value = std::move(out);
  return r;
}

}  // namespace bastion::recording
