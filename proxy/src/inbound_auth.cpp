// Authentication of a client connection against the policy (policy/authentication.hpp):
// the SSH user name is parsed once ("alice", "alice+web1", "alice+root@web1"); each attempt
// must be a method that advances one of the user's chains; a chain completed is success, a
// step of one is partial success (RFC 4252 section 5.1). Password hashing runs on the
// shared blocking pool. Every outcome is logged with its reason; the client only ever sees
// the generic SSH failure, so it learns nothing about which users or keys exist.
#include "inbound_connection.hpp"

#include <bastion/policy/authentication.hpp>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

namespace bastion {
namespace asio = boost::asio;
using policy::auth_method;

namespace {

std::optional<auth_method> policy_method(sshlib::auth_request::method_kind k) {
  switch (k) {
    case sshlib::auth_request::method_kind::publickey:
      return auth_method::publickey;
    case sshlib::auth_request::method_kind::password:
      return auth_method::password;
    case sshlib::auth_request::method_kind::keyboard_interactive:
      return auth_method::keyboard_interactive;
    default:
      return std::nullopt;
  }
}

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

std::vector<std::string> inbound_connection::methods_left() const {
  std::vector<std::string> out;
  const auto progress =
      policy::next_auth_methods(*config_->policy, identity_ ? identity_->user : "", completed_);
  for (auto m : progress.can_continue) out.emplace_back(policy::auth_method_name(m));
  return out;
}

void inbound_connection::deny_auth(sshlib::auth_request r, std::string_view method,
                                   std::string_view reason) {
  log("auth", {{"method", method}, {"result", "failure"}, {"reason", reason}});
  r.reject(methods_left());
}

void inbound_connection::authenticate(sshlib::auth_request r) {
  if (!identity_) {
    auto parsed = policy::parse_login_name(r.username());
    if (!parsed) {
      log("auth", {{"method", r.method()},
                   {"result", "failure"},
                   {"ssh_user", r.username()},
                   {"reason", "unusable user name: " + parsed.error().detail}});
      return r.reject();
    }
    identity_ = std::move(*parsed);
    ssh_username_ = r.username();
  } else if (r.username() != ssh_username_) {
    // OpenSSH's sshd ends the connection here; we refuse the attempt and keep counting.
    const std::string m = r.method();
    return deny_auth(std::move(r), m, "the user name changed between attempts");
  }
  const auto method = policy_method(r.kind());
  const auto progress = policy::next_auth_methods(*config_->policy, identity_->user, completed_);
  if (!method || std::find(progress.can_continue.begin(), progress.can_continue.end(), *method) ==
                     progress.can_continue.end()) {
    if (r.kind() == sshlib::auth_request::method_kind::none)
      return r.reject(methods_left());  // the usual probe
    const std::string m = r.method();
    return deny_auth(std::move(r), m,
                     "method " + m + " does not continue any of the user's chains");
  }
  const auto& p = *config_->policy;
  switch (*method) {
    case auth_method::publickey: {
      const auto& key = *r.public_key();
      auto d = policy::check_public_key(p, identity_->user, key, unix_now(), source_address());
      if (!r.has_signature()) {
        // A query ("would this key do?"): a yes is not an authentication yet, so only a no
        // is logged (with the key, so probing shows in the log).
        if (d.allowed) return r.accept();
        log("auth", {{"method", "publickey"},
                     {"result", "failure"},
                     {"query", true},
                     {"reason", d.reason},
                     {"key", key.fingerprint_sha256()},
                     {"key_type", key.type()}});
        return r.reject(methods_left());
      }
      return conclude(std::move(r), *method, d,
                      {{"key", key.fingerprint_sha256()}, {"key_type", key.type()}});
    }
    case auth_method::password: {
      asio::post(shared_.blocking_pool(), [self = shared_from_this(), r = std::move(r)]() mutable {
        auto d =
            policy::check_password(*self->config_->policy, self->identity_->user, r.password());
        auto ex = self->executor_;
        asio::post(ex, [self = std::move(self), r = std::move(r), d = std::move(d)]() mutable {
          self->conclude(std::move(r), auth_method::password, d);
        });
      });
      return;
    }
    case auth_method::keyboard_interactive: {
      auto state = std::make_shared<sshlib::auth_request>(r);
      r.prompt({sshlib::server_prompt{"Verification code: ", false}}, "bastion: second factor", "",
               [self = shared_from_this(), state](std::vector<sshlib::secret_string> answers) {
                 auto req = std::move(*state);
                 if (answers.size() != 1)
                   return self->deny_auth(std::move(req), "keyboard-interactive", "no answer");
                 const auto& user = self->identity_->user;
                 auto t = policy::check_totp(*self->config_->policy, user, answers[0].view(),
                                             unix_now(), self->shared_.last_totp_step(user));
                 if (t.verdict.allowed && !self->shared_.claim_totp_step(user, t.step)) {
                   t.verdict.allowed = false;
                   t.verdict.reason = "the TOTP code of this time step was used already";
                 }
                 self->conclude(std::move(req), auth_method::keyboard_interactive, t.verdict);
               });
      return;
    }
  }
}

void inbound_connection::conclude(sshlib::auth_request r, auth_method method,
                                  const policy::decision& d, nlohmann::json detail) {
  const std::string name(policy::auth_method_name(method));
  detail["method"] = name;
  detail["reason"] = d.reason;
  if (!d.allowed) {
    detail["result"] = "failure";
    log("auth", std::move(detail));
    return r.reject(methods_left());
  }
  completed_.push_back(method);
  const auto progress = policy::next_auth_methods(*config_->policy, identity_->user, completed_);
  if (progress.complete) {
    authenticated_ = true;
    detail["result"] = "success";
    if (identity_->target) detail["target"] = *identity_->target;
    log("auth", std::move(detail));
    return r.accept();
  }
  detail["result"] = "partial";
  log("auth", std::move(detail));
  r.reject(methods_left(), true);
}

}  // namespace bastion
