// sshlib::known_hosts: parsing whole files, loading them, lookups and new entries. The
// host key check is in known_hosts_check.cpp.
#include "keys/known_hosts.hpp"

#include "crypto/random.hpp"
#include "keys/base64.hpp"
#include "keys/hashed_host.hpp"
#include "keys/key_limits.hpp"

#include <cerrno>
#include <fstream>
#include <optional>
#include <system_error>

namespace sshlib {
namespace {

// Why `host` cannot be written as a literal known_hosts name, or nullopt if it can.
std::optional<std::string> host_name_problem(std::string_view host) {
  if (host.empty()) return "empty host name";
  if (host.size() > keys::limits::max_host_name_length) {
    return "host name of " + std::to_string(host.size()) + " bytes, over " +
           std::to_string(keys::limits::max_host_name_length);
  }
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::string("host name contains whitespace or a control character");
    if (std::string_view(",*?[]").find(c) != std::string_view::npos) {
      return std::string("host name contains '") + c + "', which known_hosts reads as pattern syntax";
    }
  }
  if (std::string_view("!@|#").find(host.front()) != std::string_view::npos) {
    return std::string("host name starts with '") + host.front() + "', which known_hosts reads as syntax";
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(host_key_status::kind verdict) noexcept {
  switch (verdict) {
    case host_key_status::trusted: return "trusted";
    case host_key_status::trusted_by_ca: return "trusted_by_ca";
    case host_key_status::revoked: return "revoked";
    case host_key_status::changed: return "changed";
    case host_key_status::unknown: break;
  }
  return "unknown";
}

result<known_hosts> known_hosts::parse(std::string_view text, std::string source_name) {
  if (text.size() > keys::limits::max_known_hosts_file_size) {
    return error{errc::length_exceeds_limit, source_name + ": " + std::to_string(text.size()) +
                                                 " bytes, over the known_hosts limit of " +
                                                 std::to_string(keys::limits::max_known_hosts_file_size)};
  }
  known_hosts kh;
  kh.source_ = std::move(source_name);
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto parsed = keys::parse_known_hosts_line(line, line_number);
    if (!parsed) {
      ++kh.skipped_lines_;
      if (kh.warnings_.size() < keys::limits::max_known_hosts_warnings) {
        kh.warnings_.push_back({line_number, parsed.error().message()});
      }
      continue;
    }
    if (!parsed->has_value()) continue;
    if (kh.entries_.size() == keys::limits::max_known_hosts_entries) {
      return error{errc::length_exceeds_limit, kh.source_ + ": more than " +
                                                   std::to_string(keys::limits::max_known_hosts_entries) +
                                                   " entries (line " + std::to_string(line_number) + ")"};
    }
    kh.entries_.push_back(std::move(**parsed));
  }
  return kh;
}

result<known_hosts> known_hosts::load(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return error{boost::system::error_code(ec.value(), boost::system::generic_category()),
                 file.string() + ": " + ec.message()};
  }
  if (size > keys::limits::max_known_hosts_file_size) {
    return error{errc::length_exceeds_limit, file.string() + ": " + std::to_string(size) +
                                                 " bytes, over the known_hosts limit of " +
                                                 std::to_string(keys::limits::max_known_hosts_file_size)};
  }
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    // libstdc++ opens with open(2), which leaves the reason (EACCES, ...) in errno.
    const int err = errno != 0 ? errno : EIO;
    return error{boost::system::error_code(err, boost::system::generic_category()),
                 file.string() + ": cannot open: " + std::generic_category().message(err)};
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  // A file that shrank since file_size() is read as far as it goes.
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size())) && !in.eof()) {
    return error{boost::system::errc::make_error_code(boost::system::errc::io_error), file.string() + ": read failed"};
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse(text, file.string());
}

std::vector<known_hosts_entry> known_hosts::lookup(std::string_view host, std::uint16_t port) const {
  std::vector<known_hosts_entry> found;
  if (host.empty() || host.size() > keys::limits::max_host_name_length) return found;
  const std::string name = keys::known_hosts_name(host, port);
  for (const auto& e : entries_) {
    auto m = keys::host_field_matches(e.hosts, name);
    if (m && *m) found.push_back(e);
  }
  return found;
}

result<std::string> known_hosts::format_entry(std::string_view host, std::uint16_t port, const key& host_key,
                                              bool hashed) {
  if (auto problem = host_name_problem(host)) return error{errc::invalid_value, "known_hosts entry: " + *problem};
  std::string field = keys::known_hosts_name(host, port);
  if (hashed) {
    const bytes salt = crypto::random_bytes(keys::hashed_host_salt_size);
    auto h = keys::format_hashed_host(field, salt);
    if (!h) return std::move(h).error();
    field = std::move(*h);
  }
  const key plain = host_key.plain();
  return field + " " + plain.type() + " " + keys::base64_encode(plain.public_blob()) + "\n";
}

}  // namespace sshlib
