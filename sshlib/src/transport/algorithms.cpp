// algorithm_preferences: the seed's `algorithms` option (exact lists, append / prepend /
// remove by name or regular expression).
#include "crypto/packet_algorithms.hpp"
#include "transport/algorithm_tables.hpp"

#include <sshlib/algorithms.hpp>

#include <algorithm>
#include <regex>

namespace sshlib {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

// A name is usable when it is in our tables and, for ciphers and MACs, the crypto layer can
// build it here (legacy ciphers need OpenSSL's legacy provider).
bool implemented(algorithm_category category, std::string_view name) {
  const auto table = transport::table_for(category);
  const bool listed = std::find(table.defaults.begin(), table.defaults.end(), name) != table.defaults.end() ||
                      std::find(table.others.begin(), table.others.end(), name) != table.others.end();
  if (!listed) return false;
  if (category == algorithm_category::cipher) return crypto::find_cipher_spec(name) != nullptr;
  if (category == algorithm_category::mac) return crypto::find_mac_spec(name) != nullptr;
  return true;
}

bool listed_anywhere(algorithm_category category, std::string_view name) {
  const auto table = transport::table_for(category);
  return std::find(table.defaults.begin(), table.defaults.end(), name) != table.defaults.end() ||
         std::find(table.others.begin(), table.others.end(), name) != table.others.end();
}

error unsupported(algorithm_category category, std::string_view name) {
  if (listed_anywhere(category, name)) {
    return {errc::algorithm_unavailable,
            std::string(category_name(category)) + " '" + std::string(name) +
                "' needs OpenSSL's legacy provider, which is not available here"};
  }
  return {errc::unsupported_algorithm,
          std::string(category_name(category)) + " '" + std::string(name) + "' is not supported"};
}

// The supported names matched by the patterns, in pattern order, without duplicates.
result<std::vector<std::string>> expand(algorithm_category category,
                                        const std::vector<algorithm_pattern>& patterns) {
  const auto all = supported_algorithms(category);
  std::vector<std::string> out;
  for (const auto& p : patterns) {
    if (!p.is_regex) {
      if (!implemented(category, p.text)) return unsupported(category, p.text);
      if (!contains(out, p.text)) out.push_back(p.text);
      continue;
    }
    std::regex re;
    try {
      re = std::regex(p.text, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return error{errc::invalid_value, "invalid regular expression '" + p.text + "' for " +
                                            std::string(category_name(category))};
    }
    for (const auto& name : all) {
      if (std::regex_match(name, re) && !contains(out, name)) out.push_back(name);
    }
  }
  return out;
}

}  // namespace

std::string_view category_name(algorithm_category category) noexcept {
  switch (category) {
    case algorithm_category::kex: return "kex";
    case algorithm_category::host_key: return "serverHostKey";
    case algorithm_category::cipher: return "cipher";
    case algorithm_category::mac: return "hmac";
    case algorithm_category::compression: return "compress";
  }
  return "?";
}

std::vector<std::string> supported_algorithms(algorithm_category category) {
  const auto table = transport::table_for(category);
  std::vector<std::string> out;
  for (auto n : table.defaults) {
    if (implemented(category, n)) out.emplace_back(n);
  }
  for (auto n : table.others) {
    if (implemented(category, n)) out.emplace_back(n);
  }
  return out;
}

bool is_supported_algorithm(algorithm_category category, std::string_view name) {
  return implemented(category, name);
}

algorithm_preferences algorithm_preferences::defaults() {
  algorithm_preferences p;
  for (auto category : {algorithm_category::kex, algorithm_category::host_key, algorithm_category::cipher,
                        algorithm_category::mac, algorithm_category::compression}) {
    for (auto n : transport::table_for(category).defaults) {
      if (implemented(category, n)) p.list(category).emplace_back(n);
    }
  }
  return p;
}

std::vector<std::string>& algorithm_preferences::list(algorithm_category category) noexcept {
  switch (category) {
    case algorithm_category::kex: return kex;
    case algorithm_category::host_key: return host_key;
    case algorithm_category::cipher: return cipher;
    case algorithm_category::mac: return mac;
    case algorithm_category::compression: break;
  }
  return compression;
}

const std::vector<std::string>& algorithm_preferences::list(algorithm_category category) const noexcept {
  return const_cast<algorithm_preferences*>(this)->list(category);
}

result<void> algorithm_preferences::set(algorithm_category category, std::vector<std::string> names) {
  if (names.empty()) {
    return error{errc::invalid_value, std::string(category_name(category)) + " list is empty"};
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!implemented(category, names[i])) return unsupported(category, names[i]);
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return error{errc::invalid_value, std::string(category_name(category)) + " lists '" + names[i] + "' twice"};
    }
  }
  list(category) = std::move(names);
  return {};
}

result<void> algorithm_preferences::append(algorithm_category category,
                                           const std::vector<algorithm_pattern>& patterns) {
  auto names = expand(category, patterns);
  if (!names) return names.error();
  auto& l = list(category);
  for (auto& n : *names) {
    if (!contains(l, n)) l.push_back(std::move(n));
  }
  return {};
}

result<void> algorithm_preferences::prepend(algorithm_category category,
                                            const std::vector<algorithm_pattern>& patterns) {
  auto names = expand(category, patterns);
  if (!names) return names.error();
  auto& l = list(category);
  std::erase_if(l, [&](const std::string& n) { return contains(*names, n); });
  l.insert(l.begin(), names->begin(), names->end());
  return {};
}

result<void> algorithm_preferences::remove(algorithm_category category,
                                           const std::vector<algorithm_pattern>& patterns) {
  std::vector<std::regex> regexes;
  for (const auto& p : patterns) {
    if (!p.is_regex) continue;
    try {
      regexes.emplace_back(p.text, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return error{errc::invalid_value, "invalid regular expression '" + p.text + "' for " +
                                            std::string(category_name(category))};
    }
  }
  auto kept = list(category);
  std::erase_if(kept, [&](const std::string& n) {
    for (const auto& p : patterns) {
      if (!p.is_regex && p.text == n) return true;
    }
    return std::any_of(regexes.begin(), regexes.end(), [&](const std::regex& re) { return std::regex_match(n, re); });
  });
  if (kept.empty()) {
    return error{errc::invalid_value, "removing those patterns would leave no " +
                                          std::string(category_name(category)) + " algorithm"};
  }
  list(category) = std::move(kept);
  return {};
}

}  // namespace sshlib
