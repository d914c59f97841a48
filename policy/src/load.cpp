// Loading a policy: JSON text or file -> policy_set, or every problem (load.hpp).
#include <bastion/policy/load.hpp>

#include "parse.hpp"

#include <cerrno>
#include <fstream>
#include <system_error>

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
    if (const auto* v = top.find("targets")) detail::parse_targets(c, *v, top.path("targets"), *out);
    if (const auto* v = top.find("rules")) detail::parse_rules(c, *v, top.path("rules"), *out);
    detail::check_references(c, base_pointer, *out);
  }
  if (!c.ok()) return load_result{nullptr, c.problems()};
  return load_result{std::move(out), {}};
}

load_result load_policy(std::string_view json_text, const std::string& source) {
  if (json_text.size() > max_policy_size) {
    return load_result{nullptr, {problem{source, "", "the policy is larger than " +
                                                         std::to_string(max_policy_size) + " bytes"}}};
  }
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string message = e.what();
    if (const auto bracket = message.find("] "); message.front() == '[' && bracket != std::string::npos) {
      message.erase(0, bracket + 2);
    }
    return load_result{nullptr, {problem{source, "", "not valid JSON: " + message}}};
  }
  return load_policy_document(document, source);
}

load_result load_policy_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  auto fail = [&](std::string message) { return load_result{nullptr, {problem{source, "", std::move(message)}}}; };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return fail("cannot read the policy file: " + ec.message());
  if (!std::filesystem::is_regular_file(status)) return fail("the policy file is not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot read the policy file: " + ec.message());
  if (size > max_policy_size) {
    return fail("the policy file has " + std::to_string(size) + " bytes; the limit is " +
                std::to_string(max_policy_size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open the policy file: " + std::generic_category().message(errno));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  // A file that grew after the size check is cut off at the limit and read as is: the JSON
  // parser then reports it.
  text.resize(static_cast<std::size_t>(in.gcount()));
  return load_policy(text, source);
}

}  // namespace bastion::policy
