// The bastion under test, end to end: a real `bastion` process started on a loopback port
// with a configuration the test writes (policy included), real OpenSSH servers as targets,
// and OpenSSH's `ssh` as the user, driven through an ssh_config file that names the bastion
// and the targets. Every run has a deadline.
#pragma once

#include "support/child_process.hpp"
#include "support/listening_sshd.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bastion::test {

using sshlib::test::child_result;

/// The built bastion binary.
extern const char* const bastion_path;

/// The one-line public key of a key file's ".pub".
std::string read_public_line(const std::filesystem::path& private_key);
std::string read_file(const std::filesystem::path& path);
/// `n` pseudo-random bytes from `seed` (payloads whose copies the tests compare).
std::string random_bytes(std::size_t n, unsigned seed);
/// SHA-256 as lower-case hex, as sha256sum prints it.
std::string sha256_hex(const std::string& data);

/// Polls `done` until it holds (true) or `timeout` passes (false): for facts another
/// process makes true at a time of its own (an event written after the client has gone, a
/// scrape interval), never in place of waiting for something the test itself does.
bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout);

/// The daemon under test: BASTION_UNDER_TEST (the ThreadSanitizer build) or this build's.
const char* bastion_program();

class bastion_fixture {
 public:
  bastion_fixture();
  ~bastion_fixture();

  const std::filesystem::path& dir() const { return dir_.path(); }
  /// alice's key pair (ed25519, made by ssh-keygen), authorized on every target sshd.
  const std::filesystem::path& user_key() const { return user_key_; }

  /// A real sshd on loopback, with alice's key authorized; returned index for target().
  std::size_t add_sshd_target(std::vector<std::string> extra_sshd_config = {});
  sshlib::test::listening_sshd& sshd(std::size_t i) { return *targets_[i]; }
  /// A policy target entry for sshd i, its ed25519 host key pinned.
  nlohmann::json target_entry(std::size_t i);
  /// target_entry(i) that the bastion logs in to with a key of its own ("upstream_auth":
  /// key), made here and authorized on sshd i. Throws std::runtime_error if ssh-keygen fails.
  nlohmann::json key_login_target(std::size_t i);
  /// A policy: alice with her key, `target` as web1, and one rule "alice-web" from alice to
  /// web1 as the test's user, with `rule_extra`'s members (allow, limits, modes) added.
  nlohmann::json alice_web1_policy(nlohmann::json target, const nlohmann::json& rule_extra) const;

  /// Writes the configuration (the given policy inline, listen on a free port, a host key
  /// generated on first start, the log in dir()/events.jsonl) and starts the bastion;
  /// returns when it says it is listening. Throws std::runtime_error otherwise.
  void start(const nlohmann::json& policy, const nlohmann::json& limits = nlohmann::json::object());
  /// Top-level configuration sections start() adds ("metrics", ...); set before start().
  nlohmann::json extra_config = nlohmann::json::object();
  std::uint16_t port() const { return port_; }
  std::filesystem::path config_path() const { return dir() / "bastion.json"; }
  sshlib::test::child_process& process() { return *bastion_; }
  /// Sets a file size limit (RLIMIT_FSIZE, with prlimit) on the running bastion: its writes
  /// past `bytes` in any file fail with EFBIG, as on a full disk. Throws if prlimit fails.
  void limit_file_size(std::size_t bytes);
  /// Kills the bastion with SIGKILL (a crash, for the tests of what survives one); the
  /// fixture then no longer expects it to exit 0.
  child_result kill_bastion();

  /// Writes the ssh_config every ssh run uses: host "bastion" (user alice) and each sshd
  /// target as "target<i>" reached with ProxyJump bastion, as the test's user.
  void write_ssh_config();
  /// Runs `ssh -F <config> args...` with stdin `input` (and `env` added to its
  /// environment), killed after 60 s.
  child_result ssh(const std::vector<std::string>& args, const std::string& input = {},
                   const sshlib::test::environment& env = {});

  /// The event log's lines, parsed.
  std::vector<nlohmann::json> events() const;

 private:
  sshlib::test::temp_dir dir_;
  std::filesystem::path user_key_;
  std::vector<std::unique_ptr<sshlib::test::listening_sshd>> targets_;
  std::unique_ptr<sshlib::test::child_process> bastion_;
  std::uint16_t port_ = 0;
};

}  // namespace bastion::test
