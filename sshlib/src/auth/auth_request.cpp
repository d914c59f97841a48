// sshlib::auth_request: the application's handle on one authentication attempt. The
// attempt's coroutine waits on `decide`; the handle completes it once (or, through prompt(),
// once per keyboard-interactive round). A handle dropped unanswered rejects.
#include "auth/auth_request_state.hpp"

namespace sshlib {

auth_request_state::~auth_request_state() {
  if (decide) decide(auth_decision{});  // unanswered: reject with the defaults
}

void auth_request_state::answer(auth_decision d) {
  if (!decide) return;  // already answered this round
  auto f = std::move(decide);
  decide = nullptr;
  f(std::move(d));
}

const std::string& auth_request::username() const noexcept { return s_->request.user; }
const std::string& auth_request::service() const noexcept { return s_->request.service; }
const std::string& auth_request::method() const noexcept { return s_->request.method; }
auth_request::method_kind auth_request::kind() const noexcept { return s_->kind; }
const secret_string& auth_request::password() const noexcept { return s_->request.password; }
const std::optional<secret_string>& auth_request::new_password() const noexcept { return s_->request.new_password; }
const std::optional<key>& auth_request::public_key() const noexcept { return s_->public_key; }
const std::string& auth_request::key_algorithm() const noexcept { return s_->request.algorithm; }
bool auth_request::has_signature() const noexcept { return s_->request.signature.has_value(); }
const std::string& auth_request::client_host() const noexcept { return s_->request.client_host; }
const std::string& auth_request::client_user() const noexcept { return s_->request.client_user; }
const std::string& auth_request::submethods() const noexcept { return s_->request.submethods; }

void auth_request::accept() {
  auth_decision d;
  d.kind = auth_decision::accept;
  s_->answer(std::move(d));
}

void auth_request::reject(std::vector<std::string> methods_left, bool partial_success) {
  auth_decision d;
  d.methods = std::move(methods_left);
  d.partial_success = partial_success;
  s_->answer(std::move(d));
}

void auth_request::prompt(std::vector<server_prompt> prompts, std::string title, std::string instructions,
                          std::function<void(std::vector<secret_string>)> answers) {
  auth_decision d;
  d.kind = auth_decision::prompt;
  d.prompts = std::move(prompts);
  d.title = std::move(title);
  d.instructions = std::move(instructions);
  d.answers = std::move(answers);
  s_->answer(std::move(d));
}

void auth_request::require_password_change(std::string prompt) {
  auth_decision d;
  d.kind = auth_decision::change_password;
  d.title = std::move(prompt);
  s_->answer(std::move(d));
}

}  // namespace sshlib
