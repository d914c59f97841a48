#include <bastion/recording/utf8_text.hpp>

#include <vector>

namespace bastion::recording {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

// The length of the sequence `lead` starts (2..4), 1 for ASCII, 0 for a byte that cannot
// start one (a continuation byte, C0, C1, F5..FF: overlong or beyond U+10FFFF).
std::size_t sequence_length(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether `next` may follow `lead` as its first continuation byte: RFC 3629's table, which
// rules out overlong forms, surrogates and code points past U+10FFFF.
bool valid_second(std::uint8_t lead, std::uint8_t next) {
  if ((next & 0xC0) != 0x80) return false;
  if (lead == 0xE0) return next >= 0xA0;
  if (lead == 0xED) return next <= 0x9F;
  if (lead == 0xF0) return next >= 0x90;
  if (lead == 0xF4) return next <= 0x8F;
  return true;
}

bool continuation(std::uint8_t b) {
  return (b & 0xC0) == 0x80;
}

}  // namespace

std::string utf8_text::decode(std::span<const std::uint8_t> bytes) {
  // Join what was held back with the new bytes only as far as needed: the held bytes and at
  // most three more complete or break the pending sequence.
  std::string out;
  out.reserve(bytes.size() + held_size_);
  std::vector<std::uint8_t> joined;
  std::span<const std::uint8_t> in = bytes;
  if (held_size_ != 0) {
    joined.assign(held_, held_ + held_size_);
    joined.insert(joined.end(), bytes.begin(), bytes.end());
    in = joined;
    held_size_ = 0;
  }
  std::size_t i = 0;
  while (i < in.size()) {
    const std::uint8_t lead = in[i];
    if (lead < 0x80) {
      out.push_back(static_cast<char>(lead));
      ++i;
      continue;
    }
    const std::size_t len = sequence_length(lead);
    if (len == 0) {
      out += replacement;
      ++i;
      continue;
    }
    // How many bytes of the sequence are here and valid.
    std::size_t good = 1;
    while (good < len && i + good < in.size()) {
      const std::uint8_t b = in[i + good];
      if (good == 1 ? !valid_second(lead, b) : !continuation(b)) break;
      ++good;
    }
    if (good == len) {
      out.append(reinterpret_cast<const char*>(in.data() + i), len);
      i += len;
    } else if (i + good == in.size()) {
      // Valid so far and cut by the end of the read: wait for the rest.
      for (std::size_t k = 0; k < good; ++k) held_[k] = in[i + k];
      held_size_ = good;
      i += good;
    } else {
      // A broken sequence: one replacement for the maximal valid prefix (as WHATWG's
      // decoder does), then go on at the byte that broke it.
      out += replacement;
      i += good;
    }
  }
  return out;
}

std::string utf8_text::flush() {
  std::string out;
  if (held_size_ != 0) out = std::string(replacement);
  held_size_ = 0;
  return out;
}

}  // namespace bastion::recording
