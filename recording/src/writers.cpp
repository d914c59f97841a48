#include <bastion/recording/writers.hpp>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace bastion::recording {
namespace {

nlohmann::json common_fields(const session_info& info) {
  nlohmann::json j = {{"session", info.session}, {"channel", info.channel},
                      {"user", info.user},       {"target", info.target},
                      {"login", info.login},     {"source", info.source},
                      {"kind", info.kind},       {"input_recorded", info.input_recorded}};
  return j;
}

// JSON text of a string known to be valid UTF-8 (or ASCII).
std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump();
}

std::string base64(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

constexpr const char* stream_code[] = {"i", "o", "e"};

}  // namespace

std::string header_line(const session_info& info, format f) {
  nlohmann::json h;
  if (f == format::terminal) {
    auto ext = common_fields(info);
    ext["format"] = terminal_format_name;
    ext["version"] = 1;
    h = {{"version", 2},
         {"width", info.width},
         {"height", info.height},
         {"timestamp", info.started_unix},
         {"title", info.user + "@" + info.target + " as " + info.login},
         {"bastion", std::move(ext)}};
    if (!info.term.empty()) h["env"] = {{"TERM", info.term}};
    if (info.command) h["command"] = *info.command;
  } else {
    h = common_fields(info);
    h["format"] = streams_format_name;
    h["version"] = 1;
    h["timestamp"] = info.started_unix;
    h["stream_limit"] = info.stream_limit;
    if (info.command) h[info.kind == "subsystem" ? "subsystem" : "command"] = *info.command;
  }
  // Names and commands come from the user: replace invalid UTF-8 rather than throw.
  return h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

writer_base::writer_base(const std::filesystem::path& path) : file_(path) {}

bool writer_base::finish() {
  if (file_.is_open()) before_finish();
  return file_.close();
}

std::string writer_base::event_prefix() const {
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "[%.6f,", t);
  return buf;
}

terminal_writer::terminal_writer(const std::filesystem::path& dir, const session_info& info)
    : writer_base(dir / file_name(info, format::terminal)), record_input_(info.input_recorded) {
  file_.append_line(header_line(info, format::terminal));
}

void terminal_writer::text_event(char code, const std::string& text) {
  if (text.empty()) return;
  std::string line = event_prefix();
  line += code == 'o' ? "\"o\"," : "\"i\",";
  line += quoted(text);
  line += ']';
  file_.append_line(line);
}

void terminal_writer::output(std::span<const std::uint8_t> bytes) {
  text_event('o', out_text_.decode(bytes));
}

void terminal_writer::input(std::span<const std::uint8_t> bytes) {
  if (record_input_) text_event('i', in_text_.decode(bytes));
}

void terminal_writer::resize(unsigned width, unsigned height) {
  file_.append_line(event_prefix() + "\"r\",\"" + std::to_string(width) + "x" +
                    std::to_string(height) + "\"]");
}

void terminal_writer::before_finish() {
  text_event('o', out_text_.flush());
  text_event('i', in_text_.flush());
}

streams_writer::streams_writer(const std::filesystem::path& dir, const session_info& info)
    : writer_base(dir / file_name(info, format::streams)),
      record_input_(info.input_recorded),
      limit_(info.stream_limit) {
  file_.append_line(header_line(info, format::streams));
}

void streams_writer::data(stream s, std::span<const std::uint8_t> bytes) {
  const auto i = static_cast<std::size_t>(s);
  if (bytes.empty() || cut_[i] || (s == stream::in && !record_input_)) return;
  std::size_t take = bytes.size();
  const bool over = limit_ != 0 && recorded_[i] + take > limit_;
  if (over) take = static_cast<std::size_t>(limit_ - recorded_[i]);
  if (take != 0) {
    file_.append_line(event_prefix() + "\"" + stream_code[i] + "\",\"" + base64(bytes.first(take)) +
                      "\"]");
    recorded_[i] += take;
  }
  if (over) {
    cut_[i] = true;
    file_.append_line(event_prefix() + "\"cut\",\"" + stream_code[i] + "\"]");
  }
}

void streams_writer::exit_status(std::uint32_t status) {
  file_.append_line(event_prefix() + "\"exit\",{\"status\":" + std::to_string(status) + "}]");
}

void streams_writer::exit_signal(const std::string& name, bool core_dumped) {
  const nlohmann::json j = {{"signal", name}, {"core_dumped", core_dumped}};
  file_.append_line(event_prefix() + "\"exit\"," +
                    j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "]");
}

}  // namespace bastion::recording
