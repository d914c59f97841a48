#include "keys/hashed_host.hpp"

#include "crypto/constant_time.hpp"
#include "crypto/hmac.hpp"
#include "keys/base64.hpp"
#include "keys/key_limits.hpp"

namespace sshlib::keys {

result<hashed_host> parse_hashed_host(std::string_view field) {
  if (field.substr(0, hashed_host_magic.size()) != hashed_host_magic) {
    return error{errc::invalid_value, "hashed host: does not start with \"|1|\" (the only hash type)"};
  }
  field.remove_prefix(hashed_host_magic.size());
  const auto bar = field.find('|');
  if (bar == std::string_view::npos) return error{errc::invalid_value, "hashed host: no '|' after the salt"};
  const std::string_view salt_b64 = field.substr(0, bar);
  const std::string_view hash_b64 = field.substr(bar + 1);
  if (salt_b64.size() > limits::max_hashed_salt_field) {
    return error{errc::length_exceeds_limit,
                 "hashed host: salt field longer than " + std::to_string(limits::max_hashed_salt_field)};
  }
  if (hash_b64.find('|') != std::string_view::npos) {
    return error{errc::invalid_value, "hashed host: more than three '|' separators"};
  }
  auto salt = base64_decode(salt_b64);
  if (!salt) return error{errc::invalid_value, "hashed host: salt is not valid base64"};
  if (salt->size() != hashed_host_salt_size) {
    return error{errc::invalid_value, "hashed host: salt of " + std::to_string(salt->size()) + " bytes, not " +
                                          std::to_string(hashed_host_salt_size)};
  }
  auto hash = base64_decode(hash_b64);
  if (!hash) return error{errc::invalid_value, "hashed host: hash is not valid base64"};
  if (hash->size() != hashed_host_hash_size) {
    return error{errc::invalid_value, "hashed host: hash of " + std::to_string(hash->size()) + " bytes, not " +
                                          std::to_string(hashed_host_hash_size)};
  }
  return hashed_host{std::move(*salt), std::move(*hash)};
}

result<bytes> hash_host_name(byte_view salt, std::string_view name) {
  return crypto::hmac(crypto::hmac_algorithm::sha1, salt, as_bytes(name));
}

result<bool> hashed_host_matches(const hashed_host& h, std::string_view name) {
  auto mac = hash_host_name(h.salt, name);
  if (!mac) return std::move(mac).error();
  return crypto::constant_time_equal(*mac, h.hash);
}

result<std::string> format_hashed_host(std::string_view name, byte_view salt) {
  auto mac = hash_host_name(salt, name);
  if (!mac) return std::move(mac).error();
  return std::string(hashed_host_magic) + base64_encode(salt) + "|" + base64_encode(*mac);
}

}  // namespace sshlib::keys
