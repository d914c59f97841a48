// The agent interface's defaults (operations a read-only agent refuses) and create_agent.
#include <sshlib/agent.hpp>

#include <cstdlib>

namespace sshlib {

agent::~agent() = default;

void agent::do_add_identity(const key&, std::string, key_constraints, status_handler handler) {
  handler(make_error_code(errc::agent_refused));
}
void agent::do_remove_identity(const key&, status_handler handler) { handler(make_error_code(errc::agent_refused)); }
void agent::do_remove_all(status_handler handler) { handler(make_error_code(errc::agent_refused)); }
void agent::do_lock(secret_string, status_handler handler) { handler(make_error_code(errc::agent_refused)); }
void agent::do_unlock(secret_string, status_handler handler) { handler(make_error_code(errc::agent_refused)); }

result<std::unique_ptr<agent>> create_agent(agent::executor_type executor, std::string_view socket_path) {
  std::string path(socket_path);
  if (path.empty()) {
    // getenv is only read here, at start-up of the caller's agent use; we never set it.
    const char* env = std::getenv("SSH_AUTH_SOCK");
    if (env != nullptr) path = env;
  }
  if (path.empty()) return error{errc::agent_unavailable, "SSH_AUTH_SOCK is not set"};
  return std::unique_ptr<agent>(std::make_unique<openssh_agent>(std::move(executor), std::move(path)));
}

}  // namespace sshlib
