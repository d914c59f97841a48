// The names of every transport algorithm we implement, per category, split into the
// defaults (in the seed's order) and the other supported names (off unless asked for).
#pragma once

#include <sshlib/algorithms.hpp>

#include <span>
#include <string_view>

namespace sshlib::transport {

struct algorithm_table {
  std::span<const std::string_view> defaults;
  std::span<const std::string_view> others;
};

algorithm_table table_for(algorithm_category category) noexcept;

}  // namespace sshlib::transport
