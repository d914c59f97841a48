// <prefix>_build_info: a constant 1 whose labels say which build is running.
#include <bastion/metrics/build_info.hpp>
#include <bastion/metrics/names.hpp>

#include <set>
#include <stdexcept>

namespace bastion::metrics {

void add_build_info(registry& r, std::string version, std::vector<label_pair> extra) {
  std::set<std::string, std::less<>> names{"version"};
  for (const auto& l : extra) {
    check_declared_label_name(l.name);
    if (!names.insert(l.name).second) {
      throw std::invalid_argument("build_info label \"" + l.name + "\" given twice");
    }
  }
  std::vector<label_pair> labels{{"version", std::move(version)}};
  labels.insert(labels.end(), extra.begin(), extra.end());
  family_snapshot f{r.prefix() + "_build_info",
                    "Build information; the value is always 1.",
                    metric_kind::gauge,
                    {},
                    {{std::move(labels), 1.0, {}, 0}}};
  r.add_collector([f = std::move(f)] { return std::vector<family_snapshot>{f}; });
}

}  // namespace bastion::metrics
