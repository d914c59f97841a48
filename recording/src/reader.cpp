// reader: the line I/O around parse_header and parse_event, bounded by max_line.
#include <bastion/recording/reader.hpp>

#include <bastion/recording/lines.hpp>

#include <nlohmann/json.hpp>

#include <istream>
#include <system_error>

namespace bastion::recording {

std::string describe(const read_error& e) {
  if (e.line == 0) return e.what;
  return "line " + std::to_string(e.line) + ": " + e.what;
}

reader::reader(std::istream& in, std::size_t max_line) : in_(&in), max_line_(max_line) {}

reader::reader(const std::filesystem::path& path, std::size_t max_line)
    : in_(nullptr), max_line_(max_line) {
  // Only regular files: a FIFO or a device would block or never end.
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec) {
    fail(path.string() + ": " + ec.message());
  } else if (!std::filesystem::is_regular_file(st)) {
    fail(path.string() + ": not a regular file");
  } else {
    owned_ = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (*owned_)
      in_ = owned_.get();
    else
      fail(path.string() + ": cannot be opened");
  }
}

void reader::fail(std::string what) {
  error_ = read_error{line_, std::move(what)};
  done_ = true;
}

bool reader::read_header() {
  if (done_ || in_ == nullptr) return false;
  const auto status = read_line(*in_, line_text_, max_line_);
  ++line_;
  switch (status) {
    case line_status::end:
      fail("empty: no header (the recording has just begun, or its writer stopped first)");
      return false;
    case line_status::too_long:
      fail("longer than " + std::to_string(max_line_) + " bytes");
      return false;
    case line_status::torn:
      if (!nlohmann::json::accept(line_text_)) {
        truncated_ = true;
        fail("a torn header (the writer stopped in the middle of it)");
        return false;
      }
      break;
    case line_status::complete:
      break;
  }
  auto h = parse_header(line_text_, line_);
  if (!h) {
    error_ = std::move(h.error);
    done_ = true;
    return false;
  }
  header_ = std::move(h.value);
  return true;
}

std::optional<event> reader::next() {
  if (done_ || !header_) return std::nullopt;
  const auto status = read_line(*in_, line_text_, max_line_);
  if (status == line_status::end) {
    done_ = true;
    return std::nullopt;
  }
  ++line_;
  if (status == line_status::too_long) {
    fail("longer than " + std::to_string(max_line_) + " bytes");
    return std::nullopt;
  }
  // A last line without its newline that is not even JSON was cut short by the writer's
  // end; one that is complete JSON is an event like any other (a file edited by hand).
  if (status == line_status::torn && !nlohmann::json::accept(line_text_)) {
    truncated_ = true;
    done_ = true;
    return std::nullopt;
  }
  auto e = parse_event(line_text_, header_->fmt, line_, last_time_);
  if (!e) {
    error_ = std::move(e.error);
    done_ = true;
    return std::nullopt;
  }
  last_time_ = e.value->time;
  return std::move(e.value);
}

}  // namespace bastion::recording
