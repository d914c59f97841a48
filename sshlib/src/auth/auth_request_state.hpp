// The shared state behind sshlib::auth_request (see auth_request.cpp).
#pragma once

#include "auth/userauth_messages.hpp"

#include <sshlib/detail/unique_function.hpp>
#include <sshlib/server.hpp>

namespace sshlib {

struct auth_decision {
  enum kind_t { reject, accept, prompt, change_password } kind = reject;
  std::vector<std::string> methods;
  bool partial_success = false;
  std::vector<server_prompt> prompts;
  std::string title, instructions;
  std::function<void(std::vector<secret_string>)> answers;
};

class auth_request_state {
public:
  ~auth_request_state();
  void answer(auth_decision d);

  auth::userauth_request request;
  auth_request::method_kind kind = auth_request::method_kind::none;
  std::optional<key> public_key;
  /// Completes the waiting attempt; empty once answered (until the next prompt round).
  detail::unique_function<void(auth_decision)> decide;
};

}  // namespace sshlib
