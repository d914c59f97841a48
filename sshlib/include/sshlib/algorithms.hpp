// Transport algorithm preferences: the seed's `algorithms` option. Each category is an
// ordered list of SSH names, most preferred first. Start from algorithm_preferences::defaults()
// and either set a category to an exact list or adjust it with append / prepend / remove,
// whose patterns are names or ECMAScript regular expressions (matched against the whole name).
#pragma once

#include <sshlib/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

enum class algorithm_category { kex, host_key, cipher, mac, compression };

/// "kex", "serverHostKey", "cipher", "hmac", "compress": the seed's names of the categories.
std::string_view category_name(algorithm_category category) noexcept;

/// One pattern of an append / prepend / remove adjustment.
struct algorithm_pattern {
  std::string text;
  bool is_regex = false;

  static algorithm_pattern name(std::string n) { return {std::move(n), false}; }
  static algorithm_pattern regex(std::string r) { return {std::move(r), true}; }
};

struct algorithm_preferences {
  std::vector<std::string> kex;
  std::vector<std::string> host_key;
  std::vector<std::string> cipher;
  std::vector<std::string> mac;
  std::vector<std::string> compression;

  /// The defaults, in the seed's order, minus ssh-rsa host keys (SHA-1 signatures: supported
  /// but off by default, as in OpenSSH since 8.8; see docs/ssh2-api-map.md).
  static algorithm_preferences defaults();

  std::vector<std::string>& list(algorithm_category category) noexcept;
  const std::vector<std::string>& list(algorithm_category category) const noexcept;

  /// Replaces a category with an exact list. Errors: unsupported_algorithm naming the first
  /// name we do not implement; invalid_value for an empty list or a duplicate.
  result<void> set(algorithm_category category, std::vector<std::string> names);
  /// Adds the supported names matching any pattern at the end (append) or the front
  /// (prepend), in the order of the patterns, skipping names already listed. A plain name
  /// that we do not implement is an error (unsupported_algorithm); a regex may match nothing.
  result<void> append(algorithm_category category, const std::vector<algorithm_pattern>& patterns);
  result<void> prepend(algorithm_category category, const std::vector<algorithm_pattern>& patterns);
  /// Removes every listed name matching any pattern. Errors: invalid_value when the category
  /// would become empty or a regex does not compile.
  result<void> remove(algorithm_category category, const std::vector<algorithm_pattern>& patterns);
};

/// What a key exchange agreed on: the seed's `negotiated` object of its `handshake` event.
struct negotiated_algorithms {
  std::string kex;
  std::string host_key;  // the host-key algorithm, e.g. "rsa-sha2-512"
  struct direction {
    std::string cipher;
    std::string mac;  // empty for an AEAD cipher: it has no separate MAC
    std::string compression;
    std::string language;
  } c2s, s2c;
  bool strict_kex = false;           // both sides offered kex-strict-*-v00@openssh.com
  bool peer_wants_ext_info = false;  // the peer offered ext-info-c / ext-info-s
};

/// Every name we implement in a category (defaults first, then the other supported names).
std::vector<std::string> supported_algorithms(algorithm_category category);
/// True when `name` is implemented in `category` (and, for legacy ciphers, loadable here).
bool is_supported_algorithm(algorithm_category category, std::string_view name);

}  // namespace sshlib
