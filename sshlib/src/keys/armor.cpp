#include "keys/armor.hpp"

#include "keys/base64.hpp"

#include <string>

namespace sshlib::keys {

result<secure_bytes> decode_armor(std::string_view text, std::string_view begin, std::string_view end,
                                  std::string_view what) {
  const auto b = text.find(begin);
  if (b == std::string_view::npos) {
    return error{errc::invalid_key_format, std::string(what) + ": no \"" + std::string(begin) + "\" line"};
  }
  const std::size_t body_start = b + begin.size();
  const auto e = text.find(end, body_start);
  if (e == std::string_view::npos) {
    return error{errc::invalid_key_format, std::string(what) + ": no \"" + std::string(end) + "\" line (truncated?)"};
  }
  auto decoded = base64_decode(text.substr(body_start, e - body_start), /*skip_whitespace=*/true);
  if (!decoded) return error{errc::invalid_key_format, std::string(what) + ": body is not valid base64"};
  secure_bytes out(decoded->begin(), decoded->end());
  secure_wipe(decoded->data(), decoded->size());
  return out;
}

secret_string encode_armor(byte_view data, std::string_view begin, std::string_view end) {
  constexpr std::size_t line = 70;
  std::string b64 = base64_encode(data);
  std::string out;
  out.reserve(b64.size() + b64.size() / line + begin.size() + end.size() + 4);
  out.append(begin).push_back('\n');
  for (std::size_t i = 0; i < b64.size(); i += line) {
    out.append(b64, i, line).push_back('\n');
  }
  out.append(end).push_back('\n');
  secret_string s(out);
  secure_wipe(out.data(), out.size());
  secure_wipe(b64.data(), b64.size());
  return s;
}

}  // namespace sshlib::keys
