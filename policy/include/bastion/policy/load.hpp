// Loading a policy from JSON text or a file (the format: docs/configuration.md, section
// "policy"; the schema: policy/policy.schema.json). All problems are reported at once.
#pragma once

#include <bastion/policy/json_checker.hpp>
#include <bastion/policy/model.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bastion::policy {

/// Largest policy file or text accepted (bytes).
inline constexpr std::size_t max_policy_size = std::size_t{16} * 1024 * 1024;

/// The loaded policy, or every problem found (then `value` is null).
struct load_result {
  std::shared_ptr<const policy_set> value;
  std::vector<problem> problems;

  explicit operator bool() const noexcept { return value != nullptr; }
};

/// Validates a parsed JSON document. `source` names it in problems ("inline", a path);
/// `base_pointer` is where the document sits in a larger one (the daemon's configuration
/// with an inline policy passes "/policy"), prefixed to every problem's pointer.
load_result load_policy_document(const nlohmann::json& document, const std::string& source,
                                 const std::string& base_pointer = {});
/// Parses and validates JSON text (JSON syntax errors carry nlohmann's line and column).
load_result load_policy(std::string_view json_text, const std::string& source = "inline");
/// Reads a file (at most max_policy_size bytes) and loads it; `source` is the path.
load_result load_policy_file(const std::filesystem::path& path);

}  // namespace bastion::policy
