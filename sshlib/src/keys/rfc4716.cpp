#include "keys/rfc4716.hpp"

#include "keys/base64.hpp"
#include "keys/key_limits.hpp"
#include "keys/public_blob.hpp"

#include <cctype>
#include <vector>

namespace sshlib::keys {
namespace {

error bad(std::string what) {
  return {errc::invalid_key_format, "RFC 4716 key: " + std::move(what)};
}

std::string_view trim_end(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = trim_end(s);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Splits on LF (CR LF too, as trim_end drops the CR), bounding the number of lines. Leading
// blanks stay: in a header's continuation line they belong to the value.
result<std::vector<std::string_view>> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (lines.size() == limits::max_rfc4716_lines) {
      return error{
          errc::length_exceeds_limit,
          "RFC 4716 key: more than " + std::to_string(limits::max_rfc4716_lines) + " lines"};
    }
    lines.push_back(trim_end(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return lines;
}

struct header_field {
  std::string tag;  // lower case: tags are case-insensitive (RFC 4716 section 3.3)
  std::string value;
};

// Reads the header starting at lines[i] (which has a ':'), joining continuation lines that
// end in a backslash (section 3.3) and removing one pair of surrounding quotes. Leaves i on
// the header's last line.
result<header_field> read_header(const std::vector<std::string_view>& lines, std::size_t& i) {
  const std::size_t first = i;
  const std::string_view line = trim(lines[i]);
  const auto colon = line.find(':');
  header_field h;
  h.tag = std::string(line.substr(0, colon));
  h.value = std::string(trim(line.substr(colon + 1)));
  while (!h.value.empty() && h.value.back() == '\\' &&
         h.value.size() <= limits::max_rfc4716_value) {
    if (i + 1 == lines.size()) {
      return bad("header on line " + std::to_string(first + 1) + " continues past the end");
    }
    h.value.pop_back();
    h.value += lines[++i];
  }
  if (h.tag.empty()) {
    return bad("header on line " + std::to_string(first + 1) + " has an empty tag");
  }
  if (h.tag.size() > limits::max_rfc4716_tag || h.value.size() > limits::max_rfc4716_value) {
    return error{errc::length_exceeds_limit,
                 "RFC 4716 key: header on line " + std::to_string(first + 1) + " (tag " +
                     std::to_string(h.tag.size()) + " bytes, value " +
                     std::to_string(h.value.size()) + " bytes; at most 64 and 1024)"};
  }
  if (h.value.size() >= 2 && h.value.front() == '"' && h.value.back() == '"') {
    h.value = h.value.substr(1, h.value.size() - 2);
  }
  for (char& c : h.tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return h;
}

}  // namespace

result<key_impl> parse_rfc4716(std::string_view text) {
  auto split = split_lines(text);
  if (!split) return split.error();
  const std::vector<std::string_view>& lines = *split;
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  if (i == lines.size() || trim(lines[i]) != rfc4716_begin) {
    return bad("the first line is not \"" + std::string(rfc4716_begin) + "\"");
  }
  std::string comment, body;
  bool in_body = false, ended = false;
  for (++i; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i]);
    if (line.size() > limits::max_rfc4716_line) {
      return error{errc::length_exceeds_limit, "RFC 4716 key: line " + std::to_string(i + 1) +
                                                   " of " + std::to_string(line.size()) + " bytes"};
    }
    if (line == rfc4716_end) {
      ended = true;
      break;
    }
    // Headers come first; base64 has no ':', so the first line without one starts the body.
    if (!in_body && line.find(':') != std::string_view::npos) {
      auto h = read_header(lines, i);
      if (!h) return h.error();
      if (h->tag == "comment") comment = std::move(h->value);
      continue;
    }
    in_body = true;
    body += line;
  }
  if (!ended) return bad("no \"" + std::string(rfc4716_end) + "\" line");
  if (body.empty()) return bad("no base64 body");
  auto blob = base64_decode(body);
  if (!blob) return bad("the body is not base64");
  if (blob->size() > limits::max_public_blob) {
    return error{errc::length_exceeds_limit,
                 "RFC 4716 key: blob of " + std::to_string(blob->size()) + " bytes"};
  }
  auto k = parse_public_blob(*blob);
  if (!k) return k.error();
  k->comment = std::move(comment);
  return k;
}

std::string write_rfc4716(const key_impl& k) {
  constexpr std::size_t columns = limits::rfc4716_write_columns;
  std::string out(rfc4716_begin);
  out += "\n";
  if (!k.comment.empty()) {
    // Quoted, cut to the RFC's 1024-byte value, line breaks in it made spaces (a header is
    // one logical line), and wrapped with backslash continuations.
    std::string value = k.comment.substr(0, limits::max_rfc4716_value - 2);
    for (char& c : value) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::string header = "Comment: \"" + value + "\"";
    while (header.size() > columns) {
      out += header.substr(0, columns - 1) + "\\\n";
      header.erase(0, columns - 1);
    }
    out += header + "\n";
  }
  const std::string b64 = base64_encode(public_blob(k));
  for (std::size_t p = 0; p < b64.size(); p += columns) out += b64.substr(p, columns) + "\n";
  out += std::string(rfc4716_end) + "\n";
  return out;
}

}  // namespace sshlib::keys
