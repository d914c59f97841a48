#include "system/bastion_fixture.hpp"

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bastion::test {

// BASTION_UNDER_TEST picks another build of the daemon (the ThreadSanitizer one).
const char* const bastion_path =
    std::getenv("BASTION_UNDER_TEST") ? std::getenv("BASTION_UNDER_TEST") : BASTION_PATH;

const char* bastion_program() {
  return bastion_path;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  std::generate(s.begin(), s.end(), [&] { return static_cast<char>(rng()); });
  return s;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += "0123456789abcdef"[md[i] >> 4];
    out += "0123456789abcdef"[md[i] & 15];
  }
  return out;
}

std::string read_public_line(const std::filesystem::path& private_key) {
  auto line = read_file(private_key.string() + ".pub");
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

bastion_fixture::bastion_fixture() : user_key_(dir_ / "alice_ed25519") {
  auto r = sshlib::test::run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                      "alice@test", "-f", user_key_.string()});
  if (r.exit_code != 0) throw std::runtime_error("ssh-keygen failed: " + r.err);
}

bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

bastion_fixture::~bastion_fixture() {
  if (bastion_) {
    // SIGTERM drains and exits 0; anything else (a sanitizer's report at exit, a crash) is
    // a failure of the test that ran it, with what the bastion said.
    auto r = bastion_->stop(SIGTERM, std::chrono::seconds(20));
    if (r.exit_code != 0) {
      ADD_FAILURE() << "the bastion ended with exit code " << r.exit_code << ", signal "
                    << r.term_signal << "; its stderr:\n"
                    << r.err;
    }
  }
  // A failed test shows what the bastion logged: the temporary directory goes with it.
  if (::testing::Test::HasFailure() && std::filesystem::exists(dir() / "events.jsonl")) {
    std::cout << "--- the bastion's event log ---\n" << read_file(dir() / "events.jsonl");
  }
}

void bastion_fixture::limit_file_size(std::size_t bytes) {
  const auto n = std::to_string(bytes);
  auto r = sshlib::test::run_process(
      {"prlimit", "--pid", std::to_string(bastion_->pid()), "--fsize=" + n + ":" + n});
  if (r.exit_code != 0) throw std::runtime_error("prlimit failed: " + r.err);
}

child_result bastion_fixture::kill_bastion() {
  auto r = bastion_->stop(SIGKILL, std::chrono::seconds(20));
  bastion_.reset();
  return r;
}

std::size_t bastion_fixture::add_sshd_target(std::vector<std::string> extra_sshd_config) {
  targets_.push_back(std::make_unique<sshlib::test::listening_sshd>(std::move(extra_sshd_config)));
  targets_.back()->server().authorize(read_public_line(user_key_));
  return targets_.size() - 1;
}

nlohmann::json bastion_fixture::target_entry(std::size_t i) {
  auto& s = *targets_[i];
  const auto host_key = read_public_line(s.server().host_key("ed25519"));
  return {{"host", "127.0.0.1"}, {"port", s.port()}, {"host_keys", {host_key}}};
}

nlohmann::json bastion_fixture::key_login_target(std::size_t i) {
  const auto key = dir() / ("upstream_key" + std::to_string(i));
  auto k = sshlib::test::run_process(
      {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
  if (k.exit_code != 0) throw std::runtime_error("ssh-keygen failed: " + k.err);
  targets_[i]->server().authorize(read_public_line(key));
  auto target = target_entry(i);
  target["upstream_auth"] = {{"method", "key"}, {"key_file", key.string()}};
  return target;
}

nlohmann::json bastion_fixture::alice_web1_policy(nlohmann::json target,
                                                  const nlohmann::json& rule_extra) const {
  nlohmann::json rule = {{"name", "alice-web"},
                         {"users", {"alice"}},
                         {"targets", {"web1"}},
                         {"logins", {sshlib::test::sshd_server::user()}}};
  for (const auto& [k, v] : rule_extra.items()) rule[k] = v;
  return {{"users", {{"alice", {{"public_keys", {read_public_line(user_key_)}}}}}},
          {"targets", {{"web1", std::move(target)}}},
          {"rules", {rule}}};
}

void bastion_fixture::start(const nlohmann::json& policy, const nlohmann::json& limits) {
  port_ = sshlib::test::free_loopback_port();
  nlohmann::json config = {
      {"listen", {"127.0.0.1:" + std::to_string(port_)}},
      {"workers", 2},
      {"host_keys",
       {{{"path", (dir() / "bastion_host_ed25519").string()}, {"generate", "ed25519"}}}},
      // Every test client comes from 127.0.0.1: the per-source limit must let 100 at once in.
      {"limits",
       {{"upstream_connect_timeout_seconds", 30},
        {"drain_timeout_seconds", 5},
        {"max_unauthenticated", 256},
        {"max_unauthenticated_per_source", 256}}},
      {"log", {{"file", (dir() / "events.jsonl").string()}}},
      {"policy", policy},
  };
  for (const auto& [k, v] : limits.items()) config["limits"][k] = v;
  for (const auto& [k, v] : extra_config.items()) config[k] = v;
  std::ofstream(config_path()) << config.dump(2);
  // A ThreadSanitizer build reports a race by exiting 66 at the end (the destructor fails
  // the test then); other builds ignore the variable.
  bastion_ = std::make_unique<sshlib::test::child_process>(
      std::vector<std::string>{bastion_path, "--config", config_path().string()}, std::string(),
      sshlib::test::environment{{"TSAN_OPTIONS", "exitcode=66 second_deadlock_stack=1"}});
  if (!bastion_->wait_for_output("listening on", std::chrono::seconds(30))) {
    auto r = bastion_->wait(std::chrono::seconds(5));
    bastion_.reset();  // it has ended: the caller's expectation decides, not the destructor
    throw std::runtime_error("the bastion did not start: " + r.err);
  }
  write_ssh_config();
}

void bastion_fixture::write_ssh_config() {
  std::ofstream c(dir() / "ssh_config");
  c << "Host bastion\n  HostName 127.0.0.1\n  Port " << port_ << "\n  User alice\n";
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    c << "Host target" << i << "\n  HostName 127.0.0.1\n  Port " << targets_[i]->port()
      << "\n  User " << sshlib::test::sshd_server::user() << "\n  ProxyJump bastion\n";
  }
  c << "Host *\n  IdentityFile " << user_key_.string()
    << "\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n"
       "  LogLevel INFO\n  BatchMode yes\n  ConnectTimeout 20\n";
}

child_result bastion_fixture::ssh(const std::vector<std::string>& args, const std::string& input,
                                  const sshlib::test::environment& env) {
  std::vector<std::string> argv{"ssh", "-F", (dir() / "ssh_config").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  sshlib::test::child_process p(argv, input, env);
  return p.wait(std::chrono::seconds(60));
}

std::vector<nlohmann::json> bastion_fixture::events() const {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(dir() / "events.jsonl"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

}  // namespace bastion::test
