// The policy loader on arbitrary text: JSON syntax, every section's checks and the
// cross-references. A policy that loads is then asked a few questions. Nothing may crash,
// leak, or take long.
#include <bastion/policy/authorization.hpp>
#include <bastion/policy/load.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bastion::policy;
  const auto r = load_policy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!r) {
    (void)format_problems(r.problems);
    return 0;
  }
  for (const auto& [name, u] : r.value->users) {
    for (const auto mode : {access_mode::hop, access_mode::terminating}) {
      for (const auto& t : reachable_targets(*r.value, name, "10.0.0.1", mode)) {
        auto d =
            authorize_target(*r.value, access_request{name, "::1", t.name, std::nullopt, mode});
        if (d.granted) (void)allow_local_forward(*d.granted, "db1", 5432);
      }
    }
    (void)authorize_hop(*r.value, name, "192.0.2.7", "web1", 22);
  }
  return 0;
}
