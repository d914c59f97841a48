// Label dimensions with bounded value sets. A metric's series count is fixed when it is
// declared, so a shard's storage never grows and a hostile or oversized policy cannot make
// the exposition unbounded.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bastion::metrics {

/// The value every out-of-set label value is counted under.
inline constexpr const char* other_label_value = "other";

struct label_spec {
  std::string name;
  std::vector<std::string> values;  // fixed: the declared values, in exposition order
  std::size_t max_values = 0;       // bounded: the cap on values added at run time
  bool bounded = false;
};

/// A dimension whose values are all known in the code (an enum's names: reasons, results,
/// methods). A value outside the list is counted under "other", never rejected, so a name
/// chosen by a peer (an SSH auth method, say) cannot add series. Values must be non-empty,
/// unique and not "other".
label_spec fixed_label(std::string name, std::vector<std::string> values);

/// A dimension whose values arrive at run time (target and role names from the policy): the
/// first `max_values` distinct values get series of their own, later ones fold into
/// "other", and each fold is counted in <prefix>_metrics_label_values_folded_total.
label_spec bounded_label(std::string name, std::size_t max_values);

}  // namespace bastion::metrics
