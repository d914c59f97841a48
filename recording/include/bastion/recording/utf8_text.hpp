// Terminal bytes to the UTF-8 text an asciicast event holds. Reads split a character
// wherever the buffer ended, so the tail of an incomplete sequence waits for the next read
// instead of becoming two replacement characters; bytes that can never be valid UTF-8 become
// U+FFFD, so every event is valid JSON that players decode.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace bastion::recording {

class utf8_text {
 public:
  /// The text of `bytes` after whatever the last call held back; an incomplete sequence at
  /// the end (at most 3 bytes) is held back for the next call.
  std::string decode(std::span<const std::uint8_t> bytes);
  /// What is held back, as replacement characters (the stream ended mid-character).
  std::string flush();
  bool holding() const noexcept { return held_size_ != 0; }

 private:
  std::uint8_t held_[4] = {};
  std::size_t held_size_ = 0;
};

}  // namespace bastion::recording
