#include <bastion/recording/catalog.hpp>

#include <algorithm>
#include <system_error>
#include <tuple>

namespace bastion::recording {
namespace {

bool is_recording_name(const std::filesystem::path& name) {
  const auto ext = name.extension().string();
  return ext == terminal_extension || ext == streams_extension;
}

}  // namespace

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
