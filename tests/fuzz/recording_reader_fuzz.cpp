// The recording reader on arbitrary bytes: the header, then every event until the end, an
// error or a torn line; and the same bytes through the follower's incremental parser, in
// two pieces split where the first byte says. Nothing may crash, leak, or take long.
#include <bastion/recording/follow.hpp>
#include <bastion/recording/reader.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bastion::recording;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A small line cap too, so that the overlong paths are reached by small inputs.
  for (const std::size_t cap : {max_line_bytes, std::size_t{64}}) {
    std::istringstream in(text);
    reader r(in, cap);
    if (r.read_header()) {
      while (r.next()) {
      }
    }
    if (r.error()) (void)describe(*r.error());
  }
  tail_parser tail(256);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  (void)tail.feed(std::string_view(text).substr(0, split));
  (void)tail.feed(std::string_view(text).substr(split));
  return 0;
}
