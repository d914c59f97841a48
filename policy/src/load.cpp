// Loading a policy: JSON text or file -> policy_set, or every problem (load.hpp).
#include <bastion/policy/load.hpp>

#include <bastion/policy/json_file.hpp>

#include "parse.hpp"

namespace bastion::policy {

load_result load_policy_document(const nlohmann::json& document, const std::string& source,
                                 const std::string& base_pointer) {
  json_checker c(source);
  auto out = std::make_shared<policy_set>();
  object_reader top(c, document, base_pointer, "the policy",
                    {"$schema", "users", "user_certificate_authorities", "targets", "rules"});
  if (top.is_object()) {
    (void)top.get_string("$schema");
    // Certificate authorities first: they decide whether publickey is possible for a user.
    if (const auto* v = top.find("user_certificate_authorities")) {
      detail::parse_user_cas(c, *v, top.path("user_certificate_authorities"), *out);
    }
    if (const auto* v = top.find("users")) detail::parse_users(c, *v, top.path("users"), *out);
    if (const auto* v = top.find("targets"))
      detail::parse_targets(c, *v, top.path("targets"), *out);
    if (const auto* v = top.find("rules")) detail::parse_rules(c, *v, top.path("rules"), *out);
    detail::check_references(c, base_pointer, *out);
  }
  if (!c.ok()) return load_result{nullptr, c.problems()};
  return load_result{std::move(out), {}};
}

load_result load_policy(std::string_view json_text, const std::string& source) {
  json_checker c(source);
  auto document = parse_json_text(json_text, max_policy_size, "policy", c);
  if (!document) return load_result{nullptr, c.problems()};
  return load_policy_document(*document, source);
}

load_result load_policy_file(const std::filesystem::path& path) {
  json_checker c(path.string());
  auto document = read_json_file(path, max_policy_size, "policy", c);
  if (!document) return load_result{nullptr, c.problems()};
  return load_policy_document(*document, path.string());
}

}  // namespace bastion::policy
