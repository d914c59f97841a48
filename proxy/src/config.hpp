// The bastion daemon's configuration: one JSON file (docs/configuration.md). Loading it
// checks everything, the policy included, and reports every problem with its file and JSON
// pointer; nothing is half-applied.
#pragma once

#include <bastion/policy/json_checker.hpp>
#include <bastion/policy/model.hpp>

#include <sshlib/key.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bastion {

struct listen_address {
  std::string address;  // an IPv4 or IPv6 literal
  std::uint16_t port = 0;
  std::string text() const;  // "127.0.0.1:2222", "[::1]:2222"
};

struct host_key_config {
  std::filesystem::path path;
  /// Generate a key of this type at `path` when the file does not exist ("ed25519",
  /// "ecdsa", "rsa"); empty: the file must exist.
  std::string generate;
};

struct connection_limits {
  std::size_t max_connections = 1000;
  std::size_t max_unauthenticated = 64;
  std::size_t max_unauthenticated_per_source = 10;
  std::chrono::seconds login_grace{60};
  unsigned max_auth_attempts = 6;
  std::chrono::seconds upstream_connect_timeout{10};
  std::chrono::seconds drain_timeout{30};
};

struct log_config {
  std::string file = "-";  // "-": stderr
  bool debug = false;
  bool also_stderr = false;  // with a file: each line to stderr too
};

/// The metrics endpoint (/metrics, /healthz, /readyz). Off unless "metrics" is configured.
struct metrics_config {
  std::optional<listen_address> listen;
  /// Read from "bearer_token_file" (first line); empty: no token asked for.
  std::string bearer_token;
};

/// Session recording (docs/recording.md). Off unless "recording" is configured.
struct recording_config {
  /// Where recordings go (relative paths: to the configuration's directory); created 0700.
  std::optional<std::filesystem::path> directory;
  /// A write error ends the session (true, the default) or the session goes on unrecorded.
  bool fail_closed = true;
  /// Bytes recorded per stream of a session without a terminal; 0: no limit.
  std::uint64_t stream_limit_bytes = 64ull * 1024 * 1024;
  /// The SFTP audit hashes files transferred whole (SHA-256 in the "close" event).
  bool sftp_sha256 = true;
};

/// Largest bearer token file accepted (bytes).
inline constexpr std::size_t max_bearer_token_file_size = 4096;

struct daemon_config {
  std::filesystem::path source;  // the file it came from
  std::vector<listen_address> listen;
  std::size_t workers = 0;  // 0: the machine's hardware threads
  std::vector<host_key_config> host_keys;
  connection_limits limits;
  log_config log;
  metrics_config metrics;
  recording_config recording;
  std::shared_ptr<const policy::policy_set> policy;
  std::string policy_source;  // "inline" or the policy file's path
};

struct config_result {
  std::optional<daemon_config> value;
  std::vector<policy::problem> problems;
};

/// Largest configuration file accepted (bytes).
inline constexpr std::size_t max_config_size = 1024 * 1024;

/// Reads and checks `path`: its own settings and the policy (inline under "policy", or the
/// file it names, relative to the configuration's directory). Host keys are not read here
/// (see load_host_keys).
config_result load_config(const std::filesystem::path& path);
/// As load_config, with the file's text given (`path` names it in problems and anchors
/// relative paths). The fuzz target's entry.
config_result parse_config_text(std::string_view text, const std::filesystem::path& path);

/// Reads each host key, generating the missing ones that say `generate` (mode 0600).
/// Problems name the file and what is wrong.
struct host_keys_result {
  std::vector<sshlib::key> keys;
  std::vector<policy::problem> problems;
};
host_keys_result load_host_keys(const daemon_config& config);

}  // namespace bastion
