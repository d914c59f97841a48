#include <bastion/recording/catalog.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <system_error>
#include <tuple>

namespace bastion::recording {
namespace {

bool is_recording_name(const std::filesystem::path& name) {
  const auto ext = name.extension().string();
  return ext == terminal_extension || ext == streams_extension;
}

// A recorded name for the terminal: control characters (ESC included) become '?'.
std::string printable(std::string s) {
  for (auto& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return s;
}

std::string notes(const catalog_entry& e) {
  std::string out;
  auto add = [&](const std::string& note) { out += (out.empty() ? "" : ",") + note; };
  if (e.exit)
    add(e.exit->status
            ? "exit " + std::to_string(*e.exit->status)
            : "signal " + printable(e.exit->signal) + (e.exit->core_dumped ? " (core)" : ""));
  if (e.cut) add("cut");
  if (e.truncated) add("torn");
  if (e.error) add("damaged");
  return out.empty() ? "-" : out;
}

}  // namespace

std::string format_duration(double seconds) {
  const auto whole = static_cast<std::int64_t>(std::floor(std::max(0.0, seconds)));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(whole / 3600),
                static_cast<long long>(whole / 60 % 60), static_cast<long long>(whole % 60));
  return buf;
}

std::string format_utc(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) return "?";
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string format_table(const catalog& c) {
  constexpr std::size_t columns = 10;
  using row = std::array<std::string, columns>;
  std::vector<row> rows{{"RECORDING", "USER", "TARGET", "LOGIN", "KIND", "START (UTC)", "DURATION",
                         "IN", "OUT", "NOTES"}};
  for (const auto& e : c.entries) {
    const auto& i = e.header.info;
    rows.push_back({printable(i.session) + "." + std::to_string(i.channel), printable(i.user),
                    printable(i.target), printable(i.login), printable(i.kind),
                    format_utc(i.started_unix), format_duration(e.duration),
                    std::to_string(e.input_bytes), std::to_string(e.output_bytes), notes(e)});
  }
  std::array<std::size_t, columns> width{};
  for (const auto& r : rows)
    for (std::size_t k = 0; k < columns; ++k) width[k] = std::max(width[k], r[k].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t k = 0; k < columns; ++k) {
      // Numbers right-aligned, text left-aligned; no padding after the last column.
      const std::string pad(width[k] - r[k].size(), ' ');
      const bool number = k == 7 || k == 8;
      if (k > 0) line += "  ";
      line += number ? pad + r[k] : (k + 1 == columns ? r[k] : r[k] + pad);
    }
    out += line + "\n";
  }
  return out;
}

void summarise(reader& r, catalog_entry& entry) {
  entry.header = r.header();
  while (auto e = r.next()) {
    entry.duration = e->time;
    if (e->code == "i")
      entry.input_bytes += e->data.size();
    else if (e->code == "o" || e->code == "e")
      entry.output_bytes += e->data.size();
    else if (e->code == "cut")
      entry.cut = true;
    else if (e->code == "exit")
      entry.exit = e->exit;
  }
  entry.truncated = r.truncated();
  entry.error = r.error();
}

std::optional<catalog> list_recordings(const std::filesystem::path& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    error = dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  catalog c;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename();
    if (!is_recording_name(name)) continue;
    // Regular files only: a symlink is not followed, a FIFO not opened (it would block).
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec)) continue;
    reader r(it->path());
    if (!r.read_header()) {
      c.problems.push_back({name.string(), describe(*r.error())});
      continue;
    }
    catalog_entry entry;
    entry.file_name = name.string();
    summarise(r, entry);
    c.entries.push_back(std::move(entry));
  }
  if (ec) {
    error = dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  std::sort(c.entries.begin(), c.entries.end(), [](const auto& a, const auto& b) {
    const auto& x = a.header.info;
    const auto& y = b.header.info;
    return std::tie(x.started_unix, x.session, x.channel, a.file_name) <
           std::tie(y.started_unix, y.session, y.channel, b.file_name);
  });
  std::sort(c.problems.begin(), c.problems.end(),
            [](const auto& a, const auto& b) { return a.file_name < b.file_name; });
  return c;
}

}  // namespace bastion::recording
