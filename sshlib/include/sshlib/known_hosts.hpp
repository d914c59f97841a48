// OpenSSH known_hosts files (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT; PROTOCOL.certkeys for
// @cert-authority): parsing, the host key check ssh(1) makes against them, new entries,
// and a host verifier for sshlib::client built on them (the seed's hostVerifier).
//
// A known_hosts is an immutable value once parsed: check() and lookup() are safe to call
// from several threads at once. Nothing here does I/O except load().
#pragma once

#include <sshlib/client.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

/// The optional first field of a line.
enum class known_hosts_marker {
  none,            // a host key
  cert_authority,  // "@cert-authority": a CA whose host certificates are trusted
  revoked,         // "@revoked": never accepted, as a host key or as a CA
};

/// One parsed line.
struct known_hosts_entry {
  std::size_t line = 0;  // 1-based line number in the source
  known_hosts_marker marker = known_hosts_marker::none;
  std::string hosts;     // the host field as written: patterns, or "|1|salt|hash"
  key host_key;          // a plain key (never a certificate); its comment is the line's
};

/// A line that was skipped, and why.
struct known_hosts_warning {
  std::size_t line = 0;
  std::string reason;
};

/// The outcome of known_hosts::check().
struct host_key_status {
  enum kind {
    trusted,        // a plain entry for the host lists this key
    trusted_by_ca,  // a host certificate, valid now for this host, from a listed CA
    revoked,        // the key, or the CA that signed it, is marked @revoked
    changed,        // the host is listed with other key(s) of this type: possible attack
    unknown,        // nothing listed for this host and key type
  };
  kind verdict = unknown;
  std::size_t line = 0;  // the line that decided (0 when none did)
  std::string detail;    // for people: the name looked up, the deciding line, why

  bool is_trusted() const noexcept { return verdict == trusted || verdict == trusted_by_ca; }
};

/// "trusted", "trusted_by_ca", "revoked", "changed" or "unknown".
std::string_view to_string(host_key_status::kind verdict) noexcept;

class known_hosts {
public:
  /// Parses known_hosts text: lines of "[@cert-authority|@revoked] hosts keytype base64
  /// [comment]"; blank lines and '#' comments are ignored; LF or CRLF line ends. hosts is
  /// a comma-separated pattern list ('*', '?', "!negation", "[host]:port") or one hashed
  /// name "|1|salt|hash". As in OpenSSH, a malformed line does not fail the file: it is
  /// skipped and reported in warnings() (so is a line with a key type we do not support,
  /// an SSH-1 key, a certificate, or a line over 16 KiB).
  /// `source_name` labels details and warnings ("~/.ssh/known_hosts").
  /// Errors: length_exceeds_limit for text over 64 MiB or over 100000 entries (the whole
  /// file is refused rather than truncated, so that no @revoked line is ever dropped).
  static result<known_hosts> parse(std::string_view text, std::string source_name = "known_hosts");

  /// Reads and parses a file; its path is the source name. Errors: the system error of
  /// opening or reading it (no_such_file_or_directory when missing: callers that treat a
  /// missing file as empty test for that), length_exceeds_limit for a file over 64 MiB,
  /// and those of parse().
  static result<known_hosts> load(const std::filesystem::path& file);

  /// Decides whether `host_key`, offered by `host` on `port`, is trusted, as ssh(1) does:
  ///  1. revoked: a matching @revoked line lists the plain key, or (for a certificate) its
  ///     CA. This wins over everything else.
  ///  2. trusted_by_ca: the key is a host certificate whose CA is listed on a matching
  ///     @cert-authority line, whose CA signature verifies, valid at `now` (seconds since
  ///     the epoch), listing the host as a principal (or patterns matching it, or none),
  ///     with no critical options. A certificate that fails this is then judged by its
  ///     plain key, as ssh(1) falls back, and the detail says why the CA path failed.
  ///  3. trusted: a matching plain line lists the (plain) key.
  ///  4. changed: matching plain lines list other keys of the same type (for ECDSA: curve).
  ///  5. unknown: otherwise (the detail mentions keys of other types if there are any).
  /// Lines match the name "host" on port 22 (and 0), "[host]:port" otherwise, ignoring
  /// ASCII case; a line whose negated pattern matches does not match. Never fails: a host
  /// name that is empty or over 1024 bytes is `unknown`.
  host_key_status check(std::string_view host, std::uint16_t port, const key& host_key, std::uint64_t now) const;
  /// As above at the current time of the system clock.
  host_key_status check(std::string_view host, std::uint16_t port, const key& host_key) const;

  /// Every entry (any marker) whose host field matches host and port, in file order: the
  /// lines `ssh-keygen -F` finds.
  std::vector<known_hosts_entry> lookup(std::string_view host, std::uint16_t port) const;

  const std::vector<known_hosts_entry>& entries() const noexcept { return entries_; }
  /// The skipped lines, in order; at most 1000 of them.
  const std::vector<known_hosts_warning>& warnings() const noexcept { return warnings_; }
  /// How many lines were skipped, including those beyond the warnings kept.
  std::size_t skipped_lines() const noexcept { return skipped_lines_; }
  const std::string& source_name() const noexcept { return source_; }

  /// One line to append to a known_hosts file, ending in '\n': "name keytype base64",
  /// where name is host on port 22 and "[host]:port" otherwise, in lower case, or its
  /// hashed form "|1|salt|hash" with 20 fresh random bytes of salt when `hashed`. A
  /// certificate is written as its plain key (as ssh(1) records it); comments and private
  /// halves are left out. Errors: invalid_value for a host that is empty, too long, or
  /// contains a character that would make it a pattern or break the line (whitespace,
  /// control characters, ',', '*', '?', '[', ']', a leading '!', '@', '|' or '#');
  /// crypto_failure if hashing fails.
  static result<std::string> format_entry(std::string_view host, std::uint16_t port, const key& host_key,
                                          bool hashed);

private:
  known_hosts() = default;

  std::string source_;
  std::vector<known_hosts_entry> entries_;
  std::vector<known_hosts_warning> warnings_;
  std::size_t skipped_lines_ = 0;
};

/// A client_config::host_verifier that trusts exactly what `kh.check()` calls trusted or
/// trusted_by_ca for the host and port given to client::async_connect, and rejects every
/// other verdict (revoked, changed, unknown) - so unknown hosts are refused, as with
/// StrictHostKeyChecking=yes. The completion is called before the verifier returns.
/// `log`, if set, receives one line per decision saying why, and at construction one line
/// per line of `kh` that was skipped. A client connected over a bare stream has no host
/// name: every key is then rejected.
std::function<void(const host_key_info&, detail::unique_function<void(bool)>)> make_known_hosts_verifier(
    known_hosts kh, std::function<void(std::string_view)> log = {});

}  // namespace sshlib
