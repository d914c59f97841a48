// Shared by the policy tests: keys, user certificates signed by a test CA, and a small
// valid policy document to load or to bend one field at a time.
#pragma once

#include <bastion/policy/load.hpp>

#include <sshlib/key.hpp>

#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bastion::policy::test {

inline sshlib::key new_key(sshlib::key_type t = sshlib::key_type::ed25519) {
  auto k = sshlib::generate_key(t);
  if (!k) throw std::runtime_error(k.error().message());
  return *k;
}

/// "ssh-ed25519 AAAA..." without comment.
inline std::string public_line(const sshlib::key& k) {
  return k.public_only().with_comment({}).public_ssh();
}

struct user_cert_fields {
  std::vector<std::string> principals{"alice"};
  std::uint64_t valid_after = 0;
  std::uint64_t valid_before = ~std::uint64_t{0};
  std::vector<std::pair<std::string, std::string>> critical_options;  // name, string value
  std::uint32_t type = 1;                                             // user
  std::string key_id = "alice@example";
  std::uint64_t serial = 42;
};

/// An OpenSSH user certificate of `subject`, signed by `ca` (PROTOCOL.certkeys layout).
inline sshlib::key make_user_cert(const sshlib::key& subject, const sshlib::key& ca,
                                  const user_cert_fields& f) {
  const sshlib::bytes plain = subject.public_blob();
  sshlib::wire::reader r(plain);
  std::string type;
  sshlib::byte_view key_fields;
  if (!(r.read_string(type) && r.read_raw(key_fields, r.remaining())))
    throw std::runtime_error("public blob");
  sshlib::bytes body;
  sshlib::wire::writer w(body);
  w.write_string(type + "-cert-v01@openssh.com");
  w.write_string(sshlib::bytes(32, 0x17));
  w.write_raw(key_fields);
  w.write_u64(f.serial);
  w.write_u32(f.type);
  w.write_string(std::string_view(f.key_id));
  sshlib::bytes names;
  for (const auto& p : f.principals) sshlib::wire::writer(names).write_string(p);
  w.write_string(names);
  w.write_u64(f.valid_after);
  w.write_u64(f.valid_before);
  sshlib::bytes options;
  for (const auto& [name, value] : f.critical_options) {
    sshlib::bytes data;
    sshlib::wire::writer(data).write_string(value);
    sshlib::wire::writer ow(options);
    ow.write_string(name);
    ow.write_string(data);
  }
  w.write_string(options);
  w.write_string(sshlib::bytes{});  // extensions
  w.write_string(sshlib::bytes{});  // reserved
  w.write_string(ca.public_blob());
  auto sig = ca.sign(body);
  if (!sig) throw std::runtime_error(sig.error().message());
  w.write_string(*sig);
  auto cert = sshlib::key::from_public_blob(body);
  if (!cert) throw std::runtime_error(cert.error().message());
  return *cert;
}

/// A small valid policy: alice (ops, a key), bob (password "secret"), two targets, one rule.
inline nlohmann::json base_policy(const sshlib::key& alice_key) {
  return nlohmann::json::parse(R"({
    "users": {
      "alice": {"groups": ["ops"], "public_keys": []},
      "bob": {"password_hash": "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"}
    },
    "targets": {
      "web1": {"host": "10.0.0.5", "host_keys": []},
      "db1": {"host": "db1.internal", "port": 2222, "known_hosts": "/etc/bastion/known_hosts"}
    },
    "rules": [
      {"name": "ops-web", "groups": ["ops"], "targets": ["web1"], "logins": ["deploy", "root"]}
    ]
  })")
      .patch(nlohmann::json::array({{{"op", "add"},
                                     {"path", "/users/alice/public_keys/-"},
                                     {"value", public_line(alice_key)}},
                                    {{"op", "add"},
                                     {"path", "/targets/web1/host_keys/-"},
                                     {"value", public_line(alice_key)}}}));
}

/// Loads a document, failing the test (with every problem) when it does not load.
inline std::shared_ptr<const policy_set> must_load(const nlohmann::json& doc) {
  auto r = load_policy_document(doc, "inline");
  if (!r) ADD_FAILURE() << format_problems(r.problems);
  return r.value;
}

/// The problems of a document expected not to load.
inline std::vector<problem> problems_of(const nlohmann::json& doc) {
  auto r = load_policy_document(doc, "inline");
  EXPECT_FALSE(r) << "the document loaded";
  return r.problems;
}

/// True when some problem is at `pointer` and its message contains `text`.
inline ::testing::AssertionResult has_problem(const std::vector<problem>& ps,
                                              const std::string& pointer, const std::string& text) {
  for (const auto& p : ps) {
    if (p.pointer == pointer && p.message.find(text) != std::string::npos)
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no problem at " << pointer << " containing \"" << text << "\"; got:\n"
         << format_problems(ps);
}

}  // namespace bastion::policy::test
