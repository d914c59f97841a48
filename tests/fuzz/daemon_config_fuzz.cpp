// The daemon's configuration loader on arbitrary text: JSON syntax, each section's checks
// (listen addresses, host keys, limits, log, metrics, recording) and the inline policy.
// Nothing may crash, leak, or take long; a problem list must format.
#include "config.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Relative paths in the input (a policy file, a token file) resolve under a directory
  // that does not exist, so the fuzzer never reads files by accident.
  const auto r = bastion::parse_config_text(
      std::string_view(reinterpret_cast<const char*>(data), size),
      "/nonexistent-fuzz-dir/bastion.json");
  if (!r.value) {
    (void)bastion::policy::format_problems(r.problems);
    return 0;
  }
  for (const auto& l : r.value->listen) (void)l.text();
  return 0;
}
