// crypt(3) passwords: which stored hashes are accepted, and checking a password.
#include <bastion/policy/authentication.hpp>
#include <bastion/policy/login_name.hpp>

#include "parse.hpp"
#include "printable.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <memory>

namespace bastion::policy {

namespace detail {

namespace {

// crypt(3)'s base64 alphabet.
bool crypt_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
  });
}

// Splits "$id$a$b$c" after the id into its '$'-separated fields.
std::vector<std::string_view> fields_after(std::string_view hash, std::size_t start) {
  std::vector<std::string_view> out;
  while (true) {
    const auto next = hash.find('$', start);
    out.push_back(
        hash.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start));
    if (next == std::string_view::npos) return out;
    start = next + 1;
  }
}

bool well_formed_yescrypt(std::string_view h) {
  const auto f = fields_after(h, 3);  // params, salt, hash
  return f.size() == 3 && !f[0].empty() && crypt_chars(f[0]) && !f[1].empty() &&
         crypt_chars(f[1]) && f[2].size() == 43 && crypt_chars(f[2]);
}

bool well_formed_sha512(std::string_view h) {
  auto f = fields_after(h, 3);  // [rounds=N,] salt, hash
  if (f.size() == 3 && f[0].starts_with("rounds=")) f.erase(f.begin());
  return f.size() == 2 && f[0].size() <= 16 && crypt_chars(f[0]) && f[1].size() == 86 &&
         crypt_chars(f[1]);
}

bool well_formed_bcrypt(std::string_view h) {
  const auto f = fields_after(h, 4);  // cost, salt||hash
  return f.size() == 2 && f[0].size() == 2 && f[0] >= "04" && f[0] <= "31" && f[1].size() == 53 &&
         crypt_chars(f[1]);
}

}  // namespace

std::optional<std::string> password_hash_problem(std::string_view hash) {
  constexpr std::string_view use = "; use yescrypt, sha512-crypt or bcrypt";
  struct scheme {
    std::string_view prefix;
    std::string_view name;
  };
  static constexpr scheme refused[] = {
      {"$1$", "MD5-crypt ($1$)"},
      {"$5$", "SHA256-crypt ($5$)"},
      {"$2a$", "bcrypt's old $2a$ variant"},
      {"$2x$", "bcrypt's broken $2x$ variant"},
      {"$3$", "NT-Hash ($3$)"},
      {"$7$", "scrypt ($7$)"},
      {"$gy$", "gost-yescrypt ($gy$)"},
      {"$sha1$", "SHA1-crypt ($sha1$)"},
      {"$md5", "Sun MD5-crypt ($md5)"},
      {"_", "BSDi extended DES-crypt (_)"},
  };
  for (const auto& s : refused) {
    if (hash.starts_with(s.prefix))
      return "uses " + std::string(s.name) + ", which is refused" + std::string(use);
  }
  if (hash.starts_with("!") || hash.starts_with("*")) {
    return "is a locked-account marker, not a hash (remove password_hash to disable passwords)";
  }
  if (hash.size() == 13 && crypt_chars(hash))
    return "uses traditional DES-crypt, which is refused" + std::string(use);
  const bool ok =
      (hash.starts_with("$y$") && well_formed_yescrypt(hash)) ||
      (hash.starts_with("$6$") && well_formed_sha512(hash)) ||
      ((hash.starts_with("$2b$") || hash.starts_with("$2y$")) && well_formed_bcrypt(hash));
  if (ok) return std::nullopt;
  if (hash.starts_with("$y$") || hash.starts_with("$6$") || hash.starts_with("$2b$") ||
      hash.starts_with("$2y$")) {
    return "is not a complete crypt(3) hash (a setting alone, or cut short?)";
  }
  return "is not a crypt(3) hash of a known kind" + std::string(use);
}

}  // namespace detail

namespace {

// Largest password passed to crypt (libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE).
constexpr std::size_t max_password = CRYPT_MAX_PASSPHRASE_SIZE - 1;

// A yescrypt hash of a random password, made once, for users without a hash.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting) == nullptr)
      return std::string("*");
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_rn("not a password", setting, data.get(), sizeof(crypt_data));
    std::string h = out != nullptr ? out : "*";
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    return h;
  }();
  return hash;
}

// crypt(password, hash) == hash, compared in constant time.
bool crypt_matches(const sshlib::secret_string& password, const std::string& hash) {
  sshlib::secure_bytes phrase(password.as_bytes().begin(), password.as_bytes().end());
  phrase.push_back(0);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(reinterpret_cast<const char*>(phrase.data()), hash.c_str(), data.get(),
                             sizeof(crypt_data));
  bool match = false;
  if (out != nullptr && out[0] != '*') {
    match = sshlib::constant_time_equal(sshlib::as_bytes(out), sshlib::as_bytes(hash));
  }
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return match;
}

}  // namespace

decision check_password(const policy_set& p, std::string_view user,
                        const sshlib::secret_string& password) {
  const auto it = p.users.find(user);
  const bool has_hash = it != p.users.end() && !it->second.password_hash.empty();
  const bool usable =
      password.size() <= max_password &&
      std::find(password.view().begin(), password.view().end(), '\0') == password.view().end();
  // Always one crypt() of the same cost class, whatever the outcome.
  const bool match = crypt_matches(usable ? password : sshlib::secret_string("x"),
                                   has_hash ? it->second.password_hash : dummy_hash());
  const std::string who = detail::printable(user, max_name_length);
  if (it == p.users.end()) return decision::deny("password refused: unknown user \"" + who + "\"");
  if (!has_hash) return decision::deny("password refused: user " + who + " has no password");
  if (!usable)
    return decision::deny("password refused for " + who + ": longer than " +
                          std::to_string(max_password) + " bytes or containing a NUL byte");
  if (!match) return decision::deny("wrong password for " + who);
  return decision::allow("password accepted for " + who);
}

}  // namespace bastion::policy
