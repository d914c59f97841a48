// Public key authentication: listed plain keys and user certificates from trusted CAs.
#include <bastion/policy/authentication.hpp>
#include <bastion/policy/login_name.hpp>

#include "printable.hpp"

#include <algorithm>

namespace bastion::policy {

namespace {

std::string fingerprint_of_blob(sshlib::byte_view blob) {
  auto k = sshlib::key::from_public_blob(blob);
  return k ? k->fingerprint_sha256() : std::string("(unreadable key)");
}

// A critical option's data is itself an SSH string (PROTOCOL.certkeys).
std::optional<std::string> option_string(const sshlib::bytes& data) {
  if (data.size() < 4) return std::nullopt;
  const std::size_t len = (std::size_t{data[0]} << 24) | (std::size_t{data[1]} << 16) |
                          (std::size_t{data[2]} << 8) | data[3];
  if (len != data.size() - 4) return std::nullopt;
  return std::string(data.begin() + 4, data.end());
}

// Whether `source` lies within the certificate's source-address list ("a/n,b/n,...").
bool source_allowed(const std::string& list, std::string_view source) {
  const auto address = parse_ip_address(source);
  if (!address) return false;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    const auto net = parse_network(std::string_view(list).substr(start, comma - start));
    if (net && net->contains(*address)) return true;
    start = comma + 1;
  }
  return false;
}

decision check_certificate(const policy_set& p, const std::string& who, const sshlib::key& key,
                           std::uint64_t unix_now, std::string_view source_address) {
  const auto& cert = *key.certificate();
  const std::string ca_fp = fingerprint_of_blob(cert.signature_key);
  const std::string what = "certificate \"" + detail::printable(cert.key_id) + "\" (serial " +
                           std::to_string(cert.serial) + ", CA " + ca_fp + ")";
  const bool trusted = std::any_of(
      p.user_cas.begin(), p.user_cas.end(),
      [&](const certificate_authority& ca) { return ca.key.public_blob() == cert.signature_key; });
  if (!trusted) return decision::deny(what + " is signed by a CA the policy does not trust");
  if (cert.principals.empty()) return decision::deny(what + " lists no principals");
  if (auto v = key.verify_certificate(unix_now, sshlib::certificate_type::user, who); !v) {
    return decision::deny(what + " refused for " + who + ": " + v.error().message());
  }
  for (const auto& option : cert.critical_options) {
    if (option.name == "force-command") {
      return decision::deny(what + " carries force-command, which the bastion cannot honour");
    }
    if (option.name == "source-address") {
      const auto list = option_string(option.data);
      if (!list || !source_allowed(*list, source_address)) {
        return decision::deny(what + " does not allow connections from " +
                              (source_address.empty() ? std::string("an unknown address")
                                                      : std::string(source_address)));
      }
    }
  }
  return decision::allow(what + " accepted for " + who + " (key " + key.fingerprint_sha256() + ")");
}

}  // namespace

decision check_public_key(const policy_set& p, std::string_view user, const sshlib::key& key,
                          std::uint64_t unix_now, std::string_view source_address) {
  const std::string who = detail::printable(user, max_name_length);
  const auto it = p.users.find(user);
  if (it == p.users.end())
    return decision::deny("public key refused: unknown user \"" + who + "\"");
  if (key.is_certificate()) return check_certificate(p, who, key, unix_now, source_address);
  const auto& keys = it->second.public_keys;
  const bool listed =
      std::any_of(keys.begin(), keys.end(), [&](const sshlib::key& k) { return k.equals(key); });
  if (!listed)
    return decision::deny("public key " + key.fingerprint_sha256() + " is not listed for " + who);
  return decision::allow("public key " + key.fingerprint_sha256() + " accepted for " + who);
}

}  // namespace bastion::policy
