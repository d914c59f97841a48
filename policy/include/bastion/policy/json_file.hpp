// Reading a JSON configuration file for a json_checker: bounded size, duplicate keys found
// (nlohmann keeps the last of them silently; in a security setting {"shell": false,
// "shell": true} must be an error), syntax errors with nlohmann's line and column. Shared
// by the policy loader and the daemon's configuration.
#pragma once

#include <bastion/policy/json_checker.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace bastion::policy {

/// Parses `text` (at most `max_size` bytes), reporting problems to `checker` (pointer "" for
/// syntax, the duplicate key's pointer for duplicates). `what` names the document in
/// messages ("policy", "configuration"). Nothing when a problem was found.
std::optional<nlohmann::json> parse_json_text(std::string_view text, std::size_t max_size,
                                              std::string_view what, json_checker& checker);

/// Reads `path` (a regular file of at most `max_size` bytes) and parses it as above.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path,
                                             std::size_t max_size, std::string_view what,
                                             json_checker& checker);

}  // namespace bastion::policy
