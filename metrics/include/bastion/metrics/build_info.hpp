// The build-info convention: a gauge `<prefix>_build_info` that is always 1, with the build's
// identity in its labels, so dashboards can show and join on the running version.
#pragma once

#include <bastion/metrics/registry.hpp>

#include <string>
#include <vector>

namespace bastion::metrics {

/// Adds `<prefix>_build_info{version="<version>",<extra...>} 1` to `r`'s scrapes. Extra
/// labels (a git revision, a compiler) must have valid, distinct names other than
/// "version"; throws std::invalid_argument otherwise.
void add_build_info(registry& r, std::string version, std::vector<label_pair> extra = {});

}  // namespace bastion::metrics
