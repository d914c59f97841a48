// parse_header: the first line of either format (docs/recording.md). Both carry the same
// session description, the terminal one inside asciicast's "bastion" object.
#include <bastion/recording/reader.hpp>

#include <nlohmann/json.hpp>

#include <limits>

namespace bastion::recording {
namespace {

using json = nlohmann::json;

// Reads the fields of one JSON object into a session_info, remembering the first problem.
class field_reader {
 public:
  field_reader(const json& object, std::string prefix) : o_(object), prefix_(std::move(prefix)) {}

  const std::optional<std::string>& problem() const { return problem_; }

  void string(const char* key, std::string& out, bool required) {
    const json* v = find(key, required);
    if (v == nullptr) return;
    if (!v->is_string()) return fail(key, "is not a string");
    out = v->get<std::string>();
    if (required && out.empty()) fail(key, "is empty");
  }

  void optional_string(const char* key, std::optional<std::string>& out) {
    if (!o_.contains(key)) return;
    std::string s;
    string(key, s, false);
    out = std::move(s);
  }

  template <class Int>
  void integer(const char* key, Int& out, Int min, Int max, bool required) {
    const json* v = find(key, required);
    if (v == nullptr) return;
    // JSON's unsigned and signed integers both; floats and booleans are not counts.
    if (v->is_number_unsigned()) {
      const auto n = v->get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(max) || (min > 0 && n < static_cast<std::uint64_t>(min)))
        return fail(key, "is out of range");
      out = static_cast<Int>(n);
    } else if (v->is_number_integer()) {
      // A negative integer (unsigned ones took the branch above).
      const auto n = v->get<std::int64_t>();
      if (n < static_cast<std::int64_t>(min)) return fail(key, "is out of range");
      out = static_cast<Int>(n);
    } else {
      fail(key, "is not an integer");
    }
  }

  void boolean(const char* key, bool& out) {
    const json* v = find(key, false);
    if (v == nullptr) return;
    if (!v->is_boolean()) return fail(key, "is not a boolean");
    out = v->get<bool>();
  }

  void fail(const char* key, const char* what) {
    if (!problem_) problem_ = "header: \"" + prefix_ + key + "\" " + what;
  }

 private:
  const json* find(const char* key, bool required) {
    const auto it = o_.find(key);
    if (it == o_.end()) {
      if (required) fail(key, "is missing");
      return nullptr;
    }
    return &*it;
  }

  const json& o_;
  std::string prefix_;
  std::optional<std::string> problem_;
};

// The fields both formats describe a session with.
void read_session(field_reader& f, session_info& info) {
  f.string("session", info.session, true);
  f.integer<unsigned>("channel", info.channel, 1, std::numeric_limits<unsigned>::max(), true);
  f.string("user", info.user, true);
  f.string("target", info.target, true);
  f.string("login", info.login, true);
  f.string("source", info.source, false);
  f.string("kind", info.kind, true);
  f.boolean("input_recorded", info.input_recorded);
}

std::optional<std::string> read_terminal(const json& h, session_info& info) {
  field_reader top(h, "");
  top.integer<unsigned>("width", info.width, 1, max_terminal_dimension, true);
  top.integer<unsigned>("height", info.height, 1, max_terminal_dimension, true);
  top.integer<std::int64_t>("timestamp", info.started_unix, 0,
                            std::numeric_limits<std::int64_t>::max(), true);
  top.optional_string("command", info.command);
  if (const auto env = h.find("env"); env != h.end()) {
    if (!env->is_object())
      top.fail("env", "is not an object");
    else
      field_reader(*env, "env.").string("TERM", info.term, false);
  }
  if (top.problem()) return top.problem();
  const auto b = h.find("bastion");
  if (b == h.end() || !b->is_object())
    return "header: an asciicast file without the \"bastion\" object (not a bastion recording)";
  const auto name = b->find("format");
  if (name == b->end() || *name != terminal_format_name)
    return "header: \"bastion.format\" is not \"bastion-terminal\"";
  const auto version = b->find("version");
  if (version == b->end() || *version != 1)
    return "header: unsupported \"bastion.version\" (this reader knows 1)";
  field_reader inner(*b, "bastion.");
  read_session(inner, info);
  if (!inner.problem() && info.kind != "shell" && info.kind != "exec")
    inner.fail("kind", "is neither \"shell\" nor \"exec\"");
  return inner.problem();
}

std::optional<std::string> read_streams(const json& h, session_info& info) {
  const auto version = h.find("version");
  if (version == h.end() || *version != 1)
    return "header: unsupported bastion-streams \"version\" (this reader knows 1)";
  field_reader f(h, "");
  f.integer<std::int64_t>("timestamp", info.started_unix, 0,
                          std::numeric_limits<std::int64_t>::max(), true);
  read_session(f, info);
  f.integer<std::uint64_t>("stream_limit", info.stream_limit, 0,
                           std::numeric_limits<std::uint64_t>::max(), false);
  if (f.problem()) return f.problem();
  if (info.kind == "exec") {
    f.optional_string("command", info.command);
  } else if (info.kind == "subsystem") {
    std::string name;
    f.string("subsystem", name, true);
    info.command = std::move(name);
  } else {
    f.fail("kind", "is neither \"exec\" nor \"subsystem\"");
  }
  return f.problem();
}

}  // namespace

parse_result<header_info> parse_header(std::string_view line, std::uint64_t line_number) {
  parse_result<header_info> r;
  r.error.line = line_number;
  const json h = json::parse(line, nullptr, false);
  if (h.is_discarded()) {
    r.error.what = "header: not JSON";
    return r;
  }
  if (!h.is_object()) {
    r.error.what = "header: not a JSON object";
    return r;
  }
  header_info out;
  std::optional<std::string> problem;
  if (const auto name = h.find("format"); name != h.end()) {
    if (*name != streams_format_name) {
      r.error.what = "header: unknown \"format\" (this reader knows \"bastion-streams\")";
      return r;
    }
    out.fmt = format::streams;
    problem = read_streams(h, out.info);
  } else {
    const auto version = h.find("version");
    if (version == h.end()) {
      r.error.what = "header: neither \"format\" nor asciicast's \"version\"";
      return r;
    }
    if (*version != 2) {
      r.error.what = "header: unsupported asciicast \"version\" (this reader knows 2)";
      return r;
    }
    out.fmt = format::terminal;
    problem = read_terminal(h, out.info);
  }
  if (problem) {
    r.error.what = std::move(*problem);
    return r;
  }
  r.value = std::move(out);
  return r;
}

}  // namespace bastion::recording
