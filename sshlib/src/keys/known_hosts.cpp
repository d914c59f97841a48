#include <sshlib/known_hosts.hpp>

#include "crypto/hmac.hpp"
#include "crypto/random.hpp"
#include "keys/base64.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

namespace sshlib {
namespace {

constexpr std::size_t max_entries = 100000;
constexpr std::size_t max_file = 64 * 1024 * 1024;
constexpr std::size_t max_line = 16 * 1024;

// OpenSSH's wildcard match: '*' any run, '?' one character; case-insensitive for names.
bool wildcard(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string host_name(std::string_view host, std::uint16_t port) {
  if (port == 22 || port == 0) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::string_view to_string(host_key_status s) noexcept {
  switch (s) {
    case host_key_status::trusted: return "trusted";
    case host_key_status::trusted_by_ca: return "trusted by a certificate authority";
    case host_key_status::revoked: return "revoked";
    case host_key_status::changed: return "changed";
    case host_key_status::unknown: return "unknown";
  }
  return "?";
}

result<known_hosts> known_hosts::parse(std::string_view text) {
  known_hosts kh;
  std::size_t pos = 0, number = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto warn = [&](std::string reason) { kh.warnings_.push_back({number, std::move(reason)}); };
    if (line.size() > max_line) {
      warn("line too long");
      continue;
    }
    auto f = fields(line);
    if (f.empty() || f[0].starts_with("#")) continue;
    entry e;
    std::size_t i = 0;
    if (f[0].starts_with("@")) {
      if (f[0] == "@cert-authority") {
        e.mark = entry::marker::cert_authority;
      } else if (f[0] == "@revoked") {
        e.mark = entry::marker::revoked;
      } else {
        warn("unknown marker " + std::string(f[0]));
        continue;
      }
      i = 1;
    }
    if (f.size() < i + 3) {
      warn("expected host patterns, key type and key");
      continue;
    }
    const std::string_view hosts = f[i];
    if (hosts.starts_with("|1|")) {
      const auto bar = hosts.find('|', 3);
      auto salt = bar == std::string_view::npos ? std::nullopt : keys::base64_decode(hosts.substr(3, bar - 3));
      auto hash = bar == std::string_view::npos ? std::nullopt : keys::base64_decode(hosts.substr(bar + 1));
      if (!salt || !hash || salt->size() != 20 || hash->size() != 20) {
        warn("malformed hashed host name");
        continue;
      }
      e.salt = std::move(*salt);
      e.hash = std::move(*hash);
    } else {
      std::size_t s = 0;
      while (s <= hosts.size()) {
        auto comma = hosts.find(',', s);
        if (comma == std::string_view::npos) comma = hosts.size();
        if (comma > s) e.patterns.emplace_back(hosts.substr(s, comma - s));
        s = comma + 1;
      }
    }
    std::string key_line(f[i + 1]);
    key_line += " ";
    key_line += f[i + 2];
    auto k = parse_key(as_bytes(key_line));
    if (!k || k->is_private()) {
      warn(k ? "not a public key" : k.error().message());
      continue;
    }
    e.host_key = std::move(*k);
    if (kh.entries_.size() >= max_entries) return error{errc::length_exceeds_limit, "known_hosts has over 100000 entries"};
    kh.entries_.push_back(std::move(e));
  }
  return kh;
}

result<known_hosts> known_hosts::load(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return error{errc::invalid_value, "cannot read " + file.string() + ": " + ec.message()};
  if (size > max_file) return error{errc::length_exceeds_limit, file.string() + " is larger than 64 MiB"};
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return parse(s.str());
}

bool known_hosts::matches(const entry& e, std::string_view name) const {
  if (!e.salt.empty()) {
    auto h = crypto::hmac(crypto::hmac_algorithm::sha1, e.salt, as_bytes(name));
    return h && *h == e.hash;
  }
  bool positive = false;
  for (const auto& p : e.patterns) {
    if (p.starts_with("!")) {
      if (wildcard(std::string_view(p).substr(1), name)) return false;  // a negation vetoes the line
    } else if (wildcard(p, name)) {
      positive = true;
    }
  }
  return positive;
}

host_key_status known_hosts::check(std::string_view host, std::uint16_t port, const key& host_key,
                                   std::uint64_t now) const {
  if (now == 0) {
    now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  }
  const std::string name = host_name(host, port);
  const key plain = host_key.plain();
  std::optional<key> ca;
  if (const auto* cert = host_key.certificate()) {
    if (auto c = key::from_public_blob(cert->signature_key)) ca = std::move(*c);
  }
  // @revoked wins over everything.
  for (const auto& e : entries_) {
    if (e.mark != entry::marker::revoked || !matches(e, name)) continue;
    if (e.host_key->equals(plain) || (ca && e.host_key->equals(*ca))) return host_key_status::revoked;
  }
  if (host_key.is_certificate()) {
    for (const auto& e : entries_) {
      if (e.mark != entry::marker::cert_authority || !ca || !matches(e, name) || !e.host_key->equals(*ca)) continue;
      if (host_key.verify_certificate(now, certificate_type::host, host)) return host_key_status::trusted_by_ca;
    }
  }
  bool same_type_other_key = false;
  for (const auto& e : entries_) {
    if (e.mark != entry::marker::none || !matches(e, name)) continue;
    if (e.host_key->equals(plain)) return host_key_status::trusted;
    if (e.host_key->type() == plain.type()) same_type_other_key = true;
  }
  return same_type_other_key ? host_key_status::changed : host_key_status::unknown;
}

std::string known_hosts::format_entry(std::string_view host, std::uint16_t port, const key& host_key, bool hashed) {
  const std::string name = host_name(host, port);
  const std::string key_part = host_key.public_only().with_comment({}).public_ssh();
  if (!hashed) return name + " " + key_part;
  const bytes salt = crypto::random_bytes(20);
  const auto h = crypto::hmac(crypto::hmac_algorithm::sha1, salt, as_bytes(name)).value();
  return "|1|" + keys::base64_encode(salt) + "|" + keys::base64_encode(h) + " " + key_part;
}

std::function<void(const host_key_info&, detail::unique_function<void(bool)>)> make_known_hosts_verifier(
    known_hosts hosts, std::function<void(std::string_view)> log) {
  return [hosts = std::move(hosts), log = std::move(log)](const host_key_info& info, detail::unique_function<void(bool)> done) {
    const auto status = hosts.check(info.host, info.port, info.host_key);
    const bool ok = status == host_key_status::trusted || status == host_key_status::trusted_by_ca;
    if (log) {
      log("host key " + info.fingerprint_sha256 + " for " + host_name(info.host, info.port) + ": " +
          std::string(to_string(status)));
    }
    done(ok);
  };
}

}  // namespace sshlib
