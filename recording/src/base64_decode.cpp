#include <bastion/recording/base64_decode.hpp>

#include <array>
#include <cstdint>

namespace bastion::recording {
namespace {

constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> t{};
  t.fill(invalid);
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  return t;
}

constexpr auto table = make_table();

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    // The padding characters of the last group count as zero bits; anything else must be
    // in the alphabet ('=' included elsewhere is rejected here).
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const bool pad = last && j >= 4 - padding;
      const std::uint8_t v = pad ? 0 : table[static_cast<unsigned char>(text[i + j])];
      if (v == invalid) return std::nullopt;
      group = group << 6 | v;
    }
    const std::size_t bytes = last ? 3 - padding : 3;
    // Canonical encodings leave the bits after the last byte zero.
    if (bytes < 3 && (group & ((1u << (8 * (3 - bytes))) - 1)) != 0) return std::nullopt;
    for (std::size_t b = 0; b < bytes; ++b)
      out.push_back(static_cast<char>(group >> (16 - 8 * b) & 0xff));
  }
  return out;
}

}  // namespace bastion::recording
