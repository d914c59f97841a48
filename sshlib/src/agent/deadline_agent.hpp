// An agent whose listing and signing give up at a deadline (errc::timeout). The client's
// authentication uses the configured agent through one of these, so its ready_timeout
// bounds a login even when that agent never answers (a forwarded agent whose user has gone
// quiet): without it, async_connect would wait for the agent for ever. The wrapped
// operation may still complete later; its answer is then dropped. Only for authentication:
// agent forwarding keeps using the agent itself.
#pragma once

#include <sshlib/agent.hpp>

#include <chrono>
#include <memory>

namespace sshlib {

class deadline_agent final : public agent {
 public:
  deadline_agent(std::shared_ptr<agent> inner, executor_type executor,
                 std::chrono::steady_clock::time_point deadline);
  executor_type get_executor() override { return executor_; }

 private:
  void do_identities(identities_handler handler) override;
  void do_sign(const key& public_key, bytes data, sign_flags flags, sign_handler handler) override;

  std::shared_ptr<agent> inner_;
  executor_type executor_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace sshlib
