// The "users" and "user_certificate_authorities" sections.
#include "parse.hpp"

#include <bastion/policy/login_name.hpp>
#include <bastion/policy/totp.hpp>

#include <algorithm>

namespace bastion::policy::detail {

bool check_name(json_checker& c, std::string_view name, const std::string& pointer,
                std::string_view what) {
  if (is_valid_name(name)) return true;
  c.add(pointer, std::string(what) + " \"" + std::string(name.substr(0, 2 * max_name_length)) +
                     "\" must be 1-" + std::to_string(max_name_length) +
                     " characters of letters, digits, '.', '_' and '-'");
  return false;
}

std::optional<sshlib::key> parse_public_key_line(json_checker& c, const nlohmann::json& v,
                                                 const std::string& pointer) {
  const auto text = c.string_value(v, pointer, "a public key");
  if (!text) return std::nullopt;
  auto k = sshlib::parse_key(sshlib::as_bytes(*text));
  if (!k) {
    c.add(pointer, "malformed public key: " + k.error().message());
    return std::nullopt;
  }
  if (k->is_private()) {
    c.add(pointer, "this is a private key; give the public key line (\"ssh-ed25519 AAAA...\")");
    return std::nullopt;
  }
  if (k->is_certificate()) {
    c.add(pointer,
          "this is a certificate; give a plain public key (trust certificates by "
          "listing their CA under user_certificate_authorities)");
    return std::nullopt;
  }
  return *k;
}

namespace {

std::optional<totp_settings> parse_totp(json_checker& c, const nlohmann::json& v,
                                        const std::string& pointer) {
  object_reader r(c, v, pointer, "totp",
                  {"secret_base32", "digits", "period_seconds", "algorithm"});
  if (!r.is_object()) return std::nullopt;
  totp_settings t;
  bool ok = true;
  if (const auto secret = r.get_string("secret_base32", true)) {
    auto decoded = base32_decode(*secret);
    if (!decoded) {
      c.add(r.path("secret_base32"), "secret_base32 is not base32 (letters A-Z and digits 2-7)");
      ok = false;
    } else if (decoded->size() < 10) {
      c.add(r.path("secret_base32"), "the TOTP secret has " + std::to_string(decoded->size() * 8) +
                                         " bits; at least 80 are required (160 recommended)");
      ok = false;
    } else {
      t.secret = std::move(*decoded);
    }
  } else {
    ok = false;
  }
  if (r.has("digits")) {
    const auto d = r.get_integer("digits", 6, 8);
    ok = ok && d.has_value();
    if (d) t.digits = static_cast<unsigned>(*d);
  }
  if (r.has("period_seconds")) {
    const auto p = r.get_integer("period_seconds", 10, 300);
    ok = ok && p.has_value();
    if (p) t.period_seconds = static_cast<std::uint64_t>(*p);
  }
  if (const auto a = r.get_string("algorithm")) {
    if (*a == "sha1") {
      t.algorithm = totp_algorithm::sha1;
    } else if (*a == "sha256") {
      t.algorithm = totp_algorithm::sha256;
    } else if (*a == "sha512") {
      t.algorithm = totp_algorithm::sha512;
    } else {
      c.add(r.path("algorithm"), "algorithm \"" + *a + "\" is not one of sha1, sha256, sha512");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return t;
}

std::optional<auth_method> parse_method(json_checker& c, const nlohmann::json& v,
                                        const std::string& pointer) {
  const auto name = c.string_value(v, pointer, "an authentication method");
  if (!name) return std::nullopt;
  if (*name == "publickey") return auth_method::publickey;
  if (*name == "password") return auth_method::password;
  if (*name == "keyboard-interactive") return auth_method::keyboard_interactive;
  c.add(pointer, "authentication method \"" + *name +
                     "\" is not one of publickey, password, keyboard-interactive");
  return std::nullopt;
}

void parse_auth(json_checker& c, const nlohmann::json& v, const std::string& pointer, user& u) {
  if (!c.expect_array(v, pointer, "auth")) return;
  if (v.empty()) c.add(pointer, "auth must list at least one chain of methods");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto chain_pointer = json_child(pointer, i);
    if (!c.expect_array(v[i], chain_pointer, "an auth chain")) continue;
    if (v[i].empty()) c.add(chain_pointer, "an auth chain must name at least one method");
    std::vector<auth_method> chain;
    for (std::size_t j = 0; j < v[i].size(); ++j) {
      const auto method = parse_method(c, v[i][j], json_child(chain_pointer, j));
      if (!method) continue;
      if (std::find(chain.begin(), chain.end(), *method) != chain.end()) {
        c.add(json_child(chain_pointer, j), "method \"" + std::string(auth_method_name(*method)) +
                                                "\" appears twice in this chain");
        continue;
      }
      chain.push_back(*method);
    }
    u.auth.push_back(std::move(chain));
  }
}

void parse_user(json_checker& c, const std::string& name, const nlohmann::json& v,
                const std::string& pointer, policy_set& out) {
  check_name(c, name, pointer, "user name");
  object_reader r(c, v, pointer, "a user",
                  {"groups", "public_keys", "password_hash", "totp", "auth"});
  if (!r.is_object()) return;
  user u;
  u.name = name;
  if (auto groups = r.get_string_array("groups")) {
    for (std::size_t i = 0; i < groups->size(); ++i) {
      check_name(c, (*groups)[i], json_child(r.path("groups"), i), "group name");
    }
    u.groups = std::move(*groups);
  }
  if (const auto* keys = r.find("public_keys");
      keys != nullptr && c.expect_array(*keys, r.path("public_keys"), "public_keys")) {
    for (std::size_t i = 0; i < keys->size(); ++i) {
      if (auto k = parse_public_key_line(c, (*keys)[i], json_child(r.path("public_keys"), i))) {
        u.public_keys.push_back(std::move(*k));
      }
    }
  }
  if (auto hash = r.get_string("password_hash")) {
    if (const auto why = password_hash_problem(*hash)) {
      c.add(r.path("password_hash"), "password_hash " + *why);
    } else {
      u.password_hash = std::move(*hash);
    }
  }
  if (const auto* t = r.find("totp")) u.totp = parse_totp(c, *t, r.path("totp"));
  if (const auto* a = r.find("auth")) parse_auth(c, *a, r.path("auth"), u);
  out.users.emplace(name, std::move(u));
}

}  // namespace

void parse_users(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                 policy_set& out) {
  if (!v.is_object()) {
    c.add(pointer, "users must be an object of user name to user, not " + json_type_name(v));
    return;
  }
  for (const auto& [name, user_value] : v.items()) {
    parse_user(c, name, user_value, json_child(pointer, name), out);
  }
}

void parse_user_cas(json_checker& c, const nlohmann::json& v, const std::string& pointer,
                    policy_set& out) {
  if (!c.expect_array(v, pointer, "user_certificate_authorities")) return;
  for (std::size_t i = 0; i < v.size(); ++i) {
    object_reader r(c, v[i], json_child(pointer, i), "a certificate authority",
                    {"public_key", "principals"});
    if (!r.is_object()) continue;
    if (const auto p = r.get_string("principals"); p && *p != "username") {
      c.add(r.path("principals"), "principals \"" + *p +
                                      "\" is not supported; the only mode is "
                                      "\"username\" (the certificate must list the user's name)");
    }
    const auto* key_value = r.require("public_key");
    if (key_value == nullptr) continue;
    if (auto k = parse_public_key_line(c, *key_value, r.path("public_key"))) {
      out.user_cas.push_back(certificate_authority{std::move(*k)});
    }
  }
}

}  // namespace bastion::policy::detail
