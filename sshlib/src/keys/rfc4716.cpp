#include "keys/rfc4716.hpp"

#include "keys/base64.hpp"
#include "keys/key_limits.hpp"
#include "keys/public_blob.hpp"

#include <vector>

namespace sshlib::keys {
namespace {

// RFC 4716 section 3.3: header tags are at most 64 bytes and values at most 1024; lines are
// at most 72 bytes. We read lines up to a larger cap (some tools wrap differently) and
// bound the number of lines and the joined header length.
constexpr std::size_t max_line = 1024;
constexpr std::size_t max_lines = 2048;
constexpr std::size_t max_tag = 64;
constexpr std::size_t max_value = 1024;

error bad(std::string what) { return {errc::invalid_key_format, "RFC 4716 key: " + std::move(what)}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

result<key_impl> parse_rfc4716(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(trim(text.substr(pos, end - pos)));
    pos = end + 1;
    if (lines.size() > max_lines) return error{errc::length_exceeds_limit, "RFC 4716 key: too many lines"};
  }
  std::size_t i = 0;
  while (i < lines.size() && lines[i].empty()) ++i;
  if (i == lines.size() || lines[i] != rfc4716_begin) return bad("no \"" + std::string(rfc4716_begin) + "\" line");
  ++i;
  std::string comment, body;
  bool in_body = false, ended = false;
  for (; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.size() > max_line) return bad("line " + std::to_string(i + 1) + " is too long");
    if (line == rfc4716_end) {
      ended = true;
      break;
    }
    const auto colon = line.find(':');
    if (!in_body && colon != std::string_view::npos) {
      // A header, possibly continued with a trailing backslash.
      const std::string_view tag = line.substr(0, colon);
      std::string value(trim(line.substr(colon + 1)));
      while (!value.empty() && value.back() == '\\' && i + 1 < lines.size()) {
        value.pop_back();
        value += lines[++i];
        if (value.size() > max_value) break;
      }
      if (tag.size() > max_tag || value.size() > max_value) {
        return error{errc::length_exceeds_limit, "RFC 4716 key: header on line " + std::to_string(i + 1)};
      }
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      // Tags are case-insensitive (RFC 4716 section 3.3).
      std::string lower(tag);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "comment") comment = std::move(value);
      continue;
    }
    in_body = true;
    body += line;
  }
  if (!ended) return bad("no \"" + std::string(rfc4716_end) + "\" line");
  auto blob = base64_decode(body);
  if (!blob) return bad("the body is not base64");
  if (blob->size() > limits::max_public_blob) return error{errc::length_exceeds_limit, "RFC 4716 key blob"};
  auto k = parse_public_blob(*blob);
  if (!k) return k.error();
  k->comment = std::move(comment);
  return k;
}

std::string write_rfc4716(const key_impl& k) {
  std::string out(rfc4716_begin);
  out += "\n";
  if (!k.comment.empty()) {
    // Quote it, and wrap at 70 characters with backslash continuations.
    std::string header = "Comment: \"" + k.comment.substr(0, max_value - 2) + "\"";
    while (header.size() > 70) {
      out += header.substr(0, 69) + "\\\n";
      header.erase(0, 69);
    }
    out += header + "\n";
  }
  const std::string b64 = base64_encode(public_blob(k));
  for (std::size_t p = 0; p < b64.size(); p += 70) out += b64.substr(p, 70) + "\n";
  out += std::string(rfc4716_end) + "\n";
  return out;
}

}  // namespace sshlib::keys
