// Terminating mode's user name syntax (login_name.hpp).
#include <bastion/policy/login_name.hpp>

#include <algorithm>

namespace bastion::policy {

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_name_length) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

namespace {

sshlib::result<std::string> checked_part(std::string_view part, std::string_view what) {
  if (part.empty()) return {sshlib::errc::invalid_value, "the " + std::string(what) + " is empty"};
  if (part.size() > max_name_length) {
    return {sshlib::errc::invalid_value, "the " + std::string(what) + " is longer than " +
                                             std::to_string(max_name_length) + " characters"};
  }
  if (!is_valid_name(part)) {
    return {sshlib::errc::invalid_value,
            "the " + std::string(what) + " \"" + std::string(part) +
                "\" may only contain letters, digits, '.', '_' and '-'"};
  }
  return std::string(part);
}

}  // namespace

sshlib::result<login_name> parse_login_name(std::string_view name) {
  constexpr std::string_view syntax = " (use user, user+target or user+login@target)";
  const auto plus = name.find('+');
  if (plus == std::string_view::npos) {
    if (name.find('@') != std::string_view::npos) {
      return {sshlib::errc::invalid_value, "'@' is only allowed after a '+'" + std::string(syntax)};
    }
    auto user = checked_part(name, "user name");
    if (!user) return std::move(user).error();
    return login_name{std::move(*user), std::nullopt, std::nullopt};
  }
  if (name.find('+', plus + 1) != std::string_view::npos) {
    return {sshlib::errc::invalid_value, "more than one '+' in \"" +
                                             std::string(name.substr(0, 3 * max_name_length)) +
                                             "\"" + std::string(syntax)};
  }
  auto user = checked_part(name.substr(0, plus), "user name");
  if (!user) return std::move(user).error();
  const auto rest = name.substr(plus + 1);
  const auto at = rest.find('@');
  if (at != std::string_view::npos && rest.find('@', at + 1) != std::string_view::npos) {
    return {sshlib::errc::invalid_value, "more than one '@' after the '+'" + std::string(syntax)};
  }
  std::optional<std::string> login;
  auto target = checked_part(at == std::string_view::npos ? rest : rest.substr(at + 1), "target");
  if (!target) return std::move(target).error();
  if (at != std::string_view::npos) {
    auto l = checked_part(rest.substr(0, at), "login");
    if (!l) return std::move(l).error();
    login = std::move(*l);
  }
  return login_name{std::move(*user), std::move(*target), std::move(login)};
}

}  // namespace bastion::policy
