// known_hosts::check(): the decision ssh(1) makes (openssh-portable hostfile.c and
// sshconnect.c check_host_key) - revocations first, then a host certificate through its
// CA, then the plain key, with the certificate falling back to its plain key.
#include "keys/known_hosts.hpp"

#include "keys/host_patterns.hpp"
#include "keys/key_limits.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

namespace sshlib {
namespace {

using entry_list = std::vector<const known_hosts_entry*>;

host_key_status status(host_key_status::kind verdict, const known_hosts_entry* decided_by, std::string detail) {
  return {verdict, decided_by != nullptr ? decided_by->line : 0, std::move(detail)};
}

std::string where(const std::string& source, const known_hosts_entry& e) {
  return source + ":" + std::to_string(e.line) + ": ";
}

std::string ca_fingerprint(const certificate& cert) {
  auto ca = key::from_public_blob(cert.signature_key);
  return ca ? ca->fingerprint_sha256() : std::string("(unparseable CA key)");
}

// A host certificate as ssh(1) accepts one (sshkey_cert_check_host): what
// key::verify_certificate checks, principals that may be wildcard patterns (OpenSSH 8.5
// and later), and no critical options at all, since none is defined for hosts.
result<void> check_host_certificate(const key& cert, std::string_view host_name, std::uint64_t now) {
  auto checked = cert.verify_certificate(now, certificate_type::host, host_name);
  if (!checked && checked.code() == errc::principal_not_allowed) {
    const auto& principals = cert.certificate()->principals;
    const bool by_pattern = std::any_of(principals.begin(), principals.end(), [&](const std::string& p) {
      return keys::wildcard_match(host_name, p, /*fold_case=*/false);
    });
    if (!by_pattern) return checked;
    checked = cert.verify_certificate(now, certificate_type::host, {});
  }
  if (!checked) return checked;
  if (const auto& options = cert.certificate()->critical_options; !options.empty()) {
    return error{errc::unknown_critical_option, "host certificate with critical option \"" + options.front().name +
                                                    "\" (ssh refuses any on a host certificate)"};
  }
  return {};
}

std::optional<host_key_status> find_revoked(const std::string& source, const entry_list& matching, const key& plain,
                                            const certificate* cert) {
  for (const known_hosts_entry* e : matching) {
    if (e->marker != known_hosts_marker::revoked) continue;
    if (e->host_key.equals(plain)) {
      return status(host_key_status::revoked, e,
                    where(source, *e) + "the " + plain.type() + " key " + plain.fingerprint_sha256() +
                        " is marked @revoked");
    }
    if (cert != nullptr && e->host_key.public_blob() == cert->signature_key) {
      return status(host_key_status::revoked, e,
                    where(source, *e) + "the CA " + e->host_key.fingerprint_sha256() +
                        " that signed the host certificate is marked @revoked");
    }
  }
  return std::nullopt;
}

// trusted_by_ca, or unknown with the reason the certificate was not enough.
host_key_status check_by_ca(const std::string& source, const entry_list& matching, const key& host_key,
                            const std::string& name, std::string_view host_name, std::uint64_t now) {
  const certificate& cert = *host_key.certificate();
  for (const known_hosts_entry* e : matching) {
    if (e->marker != known_hosts_marker::cert_authority || e->host_key.public_blob() != cert.signature_key) continue;
    // Like ssh(1), only the first line listing this CA is consulted: the others would
    // give the same answer.
    const std::string ca = "host certificate signed by the @cert-authority " + e->host_key.fingerprint_sha256();
    if (auto ok = check_host_certificate(host_key, host_name, now); !ok) {
      return status(host_key_status::unknown, nullptr,
                    where(source, *e) + ca + " is not valid for " + std::string(host_name) + ": " +
                        ok.error().message());
    }
    return status(host_key_status::trusted_by_ca, e, where(source, *e) + ca + " for " + std::string(host_name));
  }
  return status(host_key_status::unknown, nullptr,
                "no @cert-authority line for " + name + " in " + source + " lists the CA " + ca_fingerprint(cert) +
                    " that signed the host certificate");
}

host_key_status check_plain(const std::string& source, const entry_list& matching, const key& plain,
                            const std::string& name) {
  const known_hosts_entry* same_type = nullptr;
  const known_hosts_entry* other_type = nullptr;
  for (const known_hosts_entry* e : matching) {
    if (e->marker != known_hosts_marker::none) continue;
    if (e->host_key.equals(plain)) {
      return status(host_key_status::trusted, e,
                    where(source, *e) + "the " + plain.type() + " key " + plain.fingerprint_sha256() +
                        " is listed for " + name);
    }
    auto& slot = e->host_key.kind() == plain.kind() ? same_type : other_type;
    if (slot == nullptr) slot = e;
  }
  if (same_type != nullptr) {
    return status(host_key_status::changed, same_type,
                  where(source, *same_type) + name + " is listed with another " + plain.type() + " key (" +
                      same_type->host_key.fingerprint_sha256() + ") than the one offered (" +
                      plain.fingerprint_sha256() +
                      "): the host key was replaced, or someone is intercepting the connection");
  }
  std::string detail = "no " + plain.type() + " key is listed for " + name + " in " + source;
  if (other_type != nullptr) {
    detail += " (a " + other_type->host_key.type() + " key is, on line " + std::to_string(other_type->line) + ")";
  }
  return status(host_key_status::unknown, nullptr, std::move(detail));
}

}  // namespace

host_key_status known_hosts::check(std::string_view host, std::uint16_t port, const key& host_key,
                                   std::uint64_t now) const {
  if (host.empty()) return status(host_key_status::unknown, nullptr, "no host name to look up in " + source_);
  if (host.size() > keys::limits::max_host_name_length) {
    return status(host_key_status::unknown, nullptr,
                  "host name of " + std::to_string(host.size()) + " bytes, over " +
                      std::to_string(keys::limits::max_host_name_length));
  }
  const std::string name = keys::known_hosts_name(host, port);
  entry_list matching;
  for (const auto& e : entries_) {
    auto m = keys::host_field_matches(e.hosts, name);
    // A line we cannot evaluate might be a revocation: refuse rather than guess.
    if (!m) return status(host_key_status::unknown, &e, where(source_, e) + m.error().message());
    if (*m) matching.push_back(&e);
  }

  const key plain = host_key.plain();
  const certificate* cert = host_key.certificate();
  if (auto revoked = find_revoked(source_, matching, plain, cert)) return *revoked;
  if (cert == nullptr) return check_plain(source_, matching, plain, name);

  // ssh(1) compares principals with the host name alone (no port), lower-cased.
  host_key_status by_ca = check_by_ca(source_, matching, host_key, name, keys::ascii_lower(host), now);
  if (by_ca.verdict == host_key_status::trusted_by_ca) return by_ca;
  host_key_status by_key = check_plain(source_, matching, plain, name);
  by_key.detail += "; the certificate was not trusted: " + by_ca.detail;
  return by_key;
}

host_key_status known_hosts::check(std::string_view host, std::uint16_t port, const key& host_key) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return check(host, port, host_key, seconds < 0 ? 0 : static_cast<std::uint64_t>(seconds));
}

}  // namespace sshlib
