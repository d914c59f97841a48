#include "keys/public_line.hpp"

#include "keys/base64.hpp"
#include "keys/key_limits.hpp"
#include "keys/public_blob.hpp"

#include <string>

namespace sshlib::keys {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view next_word(std::string_view& s) {
  s = trim(s);
  std::size_t i = 0;
  while (i < s.size() && !is_blank(s[i])) ++i;
  const std::string_view w = s.substr(0, i);
  s.remove_prefix(i);
  return w;
}

}  // namespace

result<key_impl> parse_public_line(std::string_view text) {
  std::string_view line;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view candidate = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!candidate.empty() && candidate.front() != '#') {
      line = candidate;
      break;
    }
  }
  if (line.empty()) return error{errc::invalid_key_format, "public key line: no key found"};
  const std::string_view type = next_word(line);
  const std::string_view b64 = next_word(line);
  const std::string_view comment = trim(line);
  bool is_cert = false;
  const type_info* t = find_type(type, is_cert);
  if (t == nullptr) {
    if (type.size() > limits::max_name_length) return error{errc::invalid_key_format, "not a key in any known format"};
    return error{errc::unsupported_key_type, "public key line: key type \"" + std::string(type) + "\""};
  }
  if (b64.empty()) return error{errc::invalid_key_format, "public key line: no base64 key after the type"};
  if (b64.size() > limits::max_public_blob * 4 / 3 + 4) {
    return error{errc::length_exceeds_limit, "public key line: key of " + std::to_string(b64.size()) + " characters"};
  }
  if (comment.size() > limits::max_comment_length) {
    return error{errc::length_exceeds_limit, "public key line: comment longer than " +
                                                 std::to_string(limits::max_comment_length)};
  }
  auto blob = base64_decode(b64);
  if (!blob) return error{errc::invalid_key_format, "public key line: key is not valid base64"};
  auto k = parse_public_blob(*blob);
  if (!k) return std::move(k).error();
  if (k->type != t || k->cert.has_value() != is_cert) {
    return error{errc::invalid_key_format,
                 "public key line: says \"" + std::string(type) + "\" but the key inside is another type"};
  }
  k->comment.assign(comment);
  return k;
}

}  // namespace sshlib::keys
