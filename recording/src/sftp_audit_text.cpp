#include "sftp_audit_text.hpp"

#include <cstdio>

namespace bastion::recording::sftp_detail {

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string utf8_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return std::string(s);
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string status_name(sshlib::sftp::status_code code) {
  using sshlib::sftp::status_code;
  switch (code) {
    case status_code::ok:
      return "ok";
    case status_code::eof:
      return "eof";
    case status_code::no_such_file:
      return "no_such_file";
    case status_code::permission_denied:
      return "permission_denied";
    case status_code::failure:
      return "failure";
    case status_code::bad_message:
      return "bad_message";
    case status_code::no_connection:
      return "no_connection";
    case status_code::connection_lost:
      return "connection_lost";
    case status_code::op_unsupported:
      return "op_unsupported";
  }
  return "status_" + std::to_string(static_cast<std::uint32_t>(code));
}

nlohmann::json open_flag_names(std::uint32_t flags) {
  static constexpr std::pair<std::uint32_t, const char*> names[] = {
      {0x01, "read"},  {0x02, "write"}, {0x04, "append"},
      {0x08, "creat"}, {0x10, "trunc"}, {0x20, "excl"}};
  nlohmann::json out = nlohmann::json::array();
  std::uint32_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if ((flags & bit) != 0) out.push_back(name);
  }
  if ((flags & ~known) != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(flags & ~known));
    out.push_back(buf);
  }
  return out;
}

std::string octal_permissions(std::uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

void add_attributes(nlohmann::json& out, const sshlib::sftp::file_attributes& attrs) {
  if (attrs.size) out["size"] = *attrs.size;
  if (attrs.uid) out["uid"] = *attrs.uid;
  if (attrs.gid) out["gid"] = *attrs.gid;
  if (attrs.permissions) out["permissions"] = octal_permissions(*attrs.permissions);
  if (attrs.atime) out["atime"] = *attrs.atime;
  if (attrs.mtime) out["mtime"] = *attrs.mtime;
  if (!attrs.extended.empty()) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& e : attrs.extended) names.push_back(utf8_text(e.type));
    out["extended"] = std::move(names);
  }
}

}  // namespace bastion::recording::sftp_detail
