#include "transport/version_exchange.hpp"

#include "transport/limits.hpp"

namespace sshlib::transport {
namespace {

bool printable(char c) { return c >= 0x20 && c <= 0x7e; }

error bad_line(std::string what) { return {errc::invalid_version_line, std::move(what)}; }

}  // namespace

result<std::string> make_identification(std::string_view software, std::string_view comments) {
  if (software.empty()) return error{errc::invalid_value, "identification software version is empty"};
  for (char c : software) {
    if (!printable(c) || c == ' ' || c == '-') {
      return error{errc::invalid_value, "identification software version may hold only printable "
                                        "US-ASCII without spaces or '-'"};
    }
  }
  for (char c : comments) {
    if (!printable(c)) return error{errc::invalid_value, "identification comments must be printable US-ASCII"};
  }
  std::string line = "SSH-2.0-" + std::string(software);
  if (!comments.empty()) line += " " + std::string(comments);
  line += "\r\n";
  if (line.size() > limits::max_version_line) {
    return error{errc::invalid_value, "identification line is longer than 255 bytes"};
  }
  return line;
}

result<std::size_t> identification_reader::consume(byte_view data) {
  std::size_t used = 0;
  while (used < data.size() && !done_) {
    const char c = static_cast<char>(data[used++]);
    if (c == '\n') {
      if (auto r = finish_line(); !r) return r.error();
      continue;
    }
    if (c == '\0') return bad_line("NUL byte in the peer's identification or greeting");
    line_.push_back(c);
    if (line_.size() > limits::max_version_line - 1) {  // room for the LF
      return bad_line("the peer's identification line is longer than 255 bytes");
    }
  }
  return used;
}

result<void> identification_reader::finish_line() {
  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!line.starts_with("SSH-")) {
    if (!accept_greeting_) return bad_line("the client did not start with an SSH identification");
    greeting_bytes_ += line.size() + 2;
    if (id_.greeting_lines.size() >= limits::max_pre_version_lines ||
        greeting_bytes_ > limits::max_pre_version_bytes) {
      return bad_line("the server sent too many lines before its identification");
    }
    id_.greeting_lines.push_back(std::move(line));
    return {};
  }
  // SSH-protoversion-softwareversion SP comments
  const auto dash = line.find('-', 4);
  if (dash == std::string::npos) return bad_line("identification has no software version: " + line);
  id_.protocol = line.substr(4, dash - 4);
  if (id_.protocol != "2.0" && id_.protocol != "1.99") {
    return bad_line("the peer speaks SSH protocol " + id_.protocol + ", not 2.0");
  }
  const auto space = line.find(' ', dash + 1);
  id_.software = line.substr(dash + 1, space == std::string::npos ? std::string::npos : space - dash - 1);
  if (space != std::string::npos) id_.comments = line.substr(space + 1);
  if (id_.software.empty()) return bad_line("identification has an empty software version");
  for (char c : line) {
    if (!printable(c)) return bad_line("identification holds a non-printable byte");
  }
  id_.raw = std::move(line);
  done_ = true;
  return {};
}

}  // namespace sshlib::transport
