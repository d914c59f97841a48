// proc_stat: the process collector's /proc parsers (/proc/self/stat, /proc/self/limits and
// /proc/stat's btime) on arbitrary text. Nothing may crash, hang or read out of bounds;
// whatever does not parse is nullopt.
#include <bastion/metrics/proc_parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto s = bastion::metrics::parse_proc_stat(text)) {
    // A parse must have found the command name's closing parenthesis.
    if (text.find(')') == std::string_view::npos) std::abort();
  }
  (void)bastion::metrics::parse_max_open_files(text);
  (void)bastion::metrics::parse_boot_time(text);
  return 0;
}
