// What the load generators share: reading the user's key and building the client settings
// from the common flags. Errors are printed, as each program's main reports them.
#pragma once

#include <sshlib/client.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace load {

/// The unencrypted private key in `path`, or nullopt (the reason printed).
inline std::optional<sshlib::key> read_key(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string pem = text.str();
  auto key = sshlib::parse_key(sshlib::byte_view(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()));
  if (!key) {
    std::cerr << path << ": " << key.error().message() << "\n";
    return std::nullopt;
  }
  return *key;
}

/// Publickey login as `user` with the key in `key_file`; only `cipher` when not empty.
/// nullopt (the reason printed) for an unreadable key or an unknown cipher.
inline std::optional<sshlib::client_config> client_settings(const std::string& user, const std::string& key_file,
                                                             const std::string& cipher) {
  auto key = read_key(key_file);
  if (!key) return std::nullopt;
  sshlib::client_config cfg;
  cfg.username = user;
  cfg.private_key = std::move(*key);
  if (!cipher.empty()) {
    if (auto r = cfg.algorithms.set(sshlib::algorithm_category::cipher, {cipher}); !r) {
      std::cerr << "cipher " << cipher << ": " << r.error().message() << "\n";
      return std::nullopt;
    }
  }
  return cfg;
}

}  // namespace load
