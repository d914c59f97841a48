#include "wire/reader.hpp"

#include <algorithm>

namespace sshlib::wire {

bool reader::fail(errc e) noexcept {
  if (!ec_) {
    ec_ = make_error_code(e);
    error_offset_ = pos_;
  }
  return false;
}

bool reader::take(std::size_t n, byte_view& out) noexcept {
  if (ec_) return false;
  if (n > remaining()) return fail(errc::truncated);
  out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool reader::read_byte(std::uint8_t& out) noexcept {
  byte_view b;
  if (!take(1, b)) return false;
  out = b[0];
  return true;
}

bool reader::read_bool(bool& out) noexcept {
  std::uint8_t b = 0;
  if (!read_byte(b)) return false;
  out = b != 0;
  return true;
}

bool reader::read_u32(std::uint32_t& out) noexcept {
  byte_view b;
  if (!take(4, b)) return false;
  out = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
        std::uint32_t{b[3]};
  return true;
}

bool reader::read_u64(std::uint64_t& out) noexcept {
  std::uint32_t hi = 0, lo = 0;
  if (!read_u32(hi) || !read_u32(lo)) return false;
  out = (std::uint64_t{hi} << 32) | lo;
  return true;
}

bool reader::read_string(byte_view& out, std::size_t max_len) noexcept {
  if (ec_) return false;
  const std::size_t start = pos_;
  std::uint32_t len = 0;
  if (!read_u32(len)) return false;
  if (len > max_len) {
    pos_ = start;  // report the offset of the length field itself
    return fail(errc::length_exceeds_limit);
  }
  if (len > remaining()) {
    pos_ = start;
    return fail(errc::truncated);
  }
  return take(len, out);
}

bool reader::read_string(std::string_view& out, std::size_t max_len) noexcept {
  byte_view b;
  if (!read_string(b, max_len)) return false;
  out = as_string_view(b);
  return true;
}

bool reader::read_string(std::string& out, std::size_t max_len) {
  std::string_view v;
  if (!read_string(v, max_len)) return false;
  out.assign(v);
  return true;
}

bool reader::read_string(bytes& out, std::size_t max_len) {
  byte_view v;
  if (!read_string(v, max_len)) return false;
  out.assign(v.begin(), v.end());
  return true;
}

namespace {

// RFC 4251 section 5: "Unnecessary leading bytes with the value 0 or 255 MUST NOT be
// included." A leading 0x00 is needed only when the next byte has its top bit set (to keep
// the value positive); a leading 0xff only when the next byte has it clear.
bool is_canonical_mpint(byte_view body) noexcept {
  if (body.size() < 2) return body.empty() || body[0] != 0;
  if (body[0] == 0x00 && (body[1] & 0x80) == 0) return false;
  if (body[0] == 0xff && (body[1] & 0x80) != 0) return false;
  return true;
}

}  // namespace

bool reader::read_mpint(mpint& out, std::size_t max_bytes) {
  const std::size_t start = pos_;
  byte_view body;
  if (!read_string(body, max_bytes)) return false;
  if (!is_canonical_mpint(body)) {
    pos_ = start;
    return fail(errc::non_canonical_mpint);
  }
  out.negative = !body.empty() && (body[0] & 0x80) != 0;
  if (!out.negative) {
    out.magnitude.assign(body.begin() + (body.empty() || body[0] != 0 ? 0 : 1), body.end());
    return true;
  }
  // Negative: magnitude = two's complement of body (invert, add one), then strip zeros.
  bytes mag(body.begin(), body.end());
  for (auto& b : mag) b = static_cast<std::uint8_t>(~b);
  for (auto it = mag.rbegin(); it != mag.rend(); ++it) {
    if (++*it != 0) break;
  }
  auto first = std::find_if(mag.begin(), mag.end(), [](std::uint8_t b) { return b != 0; });
  out.magnitude.assign(first, mag.end());
  return true;
}

bool reader::read_unsigned_mpint(byte_view& out, std::size_t max_bytes) noexcept {
  const std::size_t start = pos_;
  byte_view body;
  if (!read_string(body, max_bytes)) return false;
  if (!is_canonical_mpint(body)) {
    pos_ = start;
    return fail(errc::non_canonical_mpint);
  }
  if (!body.empty() && (body[0] & 0x80) != 0) {
    pos_ = start;
    return fail(errc::negative_mpint);
  }
  out = (!body.empty() && body[0] == 0) ? body.subspan(1) : body;
  return true;
}

bool reader::read_name_list(std::vector<std::string>& out, std::size_t max_len) {
  const std::size_t start = pos_;
  std::string_view list;
  if (!read_string(list, max_len)) return false;
  out.clear();
  if (list.empty()) return true;
  auto bad = [&] {
    out.clear();
    pos_ = start;
    return fail(errc::invalid_name_list);
  };
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = list.find(',', begin);
    const std::size_t end = comma == std::string_view::npos ? list.size() : comma;
    const std::string_view name = list.substr(begin, end - begin);
    if (name.empty() || name.size() > limits::max_name_length) return bad();
    for (char c : name) {
      // RFC 4251 section 6: printable US-ASCII, no whitespace or control characters.
      if (c <= ' ' || c >= 0x7f) return bad();
    }
    if (out.size() == limits::max_name_list_entries) return bad();
    out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return true;
}

bool reader::read_raw(byte_view& out, std::size_t n) noexcept { return take(n, out); }

bool reader::skip(std::size_t n) noexcept {
  byte_view ignored;
  return take(n, ignored);
}

bool reader::expect_end() noexcept {
  if (ec_) return false;
  if (remaining() != 0) return fail(errc::trailing_data);
  return true;
}

}  // namespace sshlib::wire
