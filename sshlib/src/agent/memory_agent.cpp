// memory_agent: keys in this process, found by their public blob (as the agent protocol
// names them). Plain C++: its async operations complete through the erased handlers, which
// post, so no Asio template is instantiated here.
#include <sshlib/agent.hpp>

#include "agent/agent_limits.hpp"

#include <algorithm>

namespace sshlib {

memory_agent::memory_agent(executor_type executor, std::function<clock::time_point()> now)
    : executor_(std::move(executor)), now_(now ? std::move(now) : [] { return clock::now(); }) {}

memory_agent::executor_type memory_agent::get_executor() { return executor_; }

// Called with mutex_ held.
void memory_agent::drop_expired() const {
  const auto now = now_();
  std::erase_if(entries_, [&](const entry& e) { return e.expires && *e.expires <= now; });
}

result<void> memory_agent::add(const key& private_key, std::string comment, key_constraints constraints) {
  if (!private_key.is_private()) return error{errc::not_a_private_key, "adding a key to a memory agent"};
  if (private_key.kind() == key_type::dsa) return error{errc::agent_refused, "memory agent: DSA keys"};
  if (constraints.confirm) {
    return error{errc::agent_refused, "memory agent: no user to confirm each use of the key"};
  }
  entry e{private_key.with_comment(std::move(comment)), private_key.public_blob(), std::nullopt};
  std::lock_guard lock(mutex_);
  drop_expired();
  if (constraints.lifetime_seconds) e.expires = now_() + std::chrono::seconds(*constraints.lifetime_seconds);
  const auto same = std::find_if(entries_.begin(), entries_.end(), [&](const entry& x) { return x.blob == e.blob; });
  if (same != entries_.end()) {
    *same = std::move(e);
    return {};
  }
  if (entries_.size() >= agent_protocol::limits::max_identities) {
    return error{errc::agent_busy, "memory agent holds " + std::to_string(entries_.size()) + " keys already"};
  }
  entries_.push_back(std::move(e));
  return {};
}

std::vector<key> memory_agent::identities() const {
  std::lock_guard lock(mutex_);
  drop_expired();
  std::vector<key> out;
  out.reserve(entries_.size());
  for (const entry& e : entries_) out.push_back(e.private_key.public_only());
  return out;
}

result<bytes> memory_agent::sign(const key& public_key, byte_view data, sign_flags flags) const {
  const bytes blob = public_key.public_blob();
  std::optional<key> signer;
  {
    std::lock_guard lock(mutex_);
    drop_expired();
    const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const entry& e) { return e.blob == blob; });
    if (it == entries_.end()) return error{errc::agent_failure, "memory agent: no such key"};
    signer = it->private_key;
  }
  // Sign outside the lock: an RSA-4096 signature takes milliseconds.
  const std::string_view algorithm = signer->kind() == key_type::rsa ? rsa_algorithm_for(flags) : std::string_view{};
  return signer->sign(data, algorithm);
}

bool memory_agent::remove(const key& public_key) {
  const bytes blob = public_key.public_blob();
  std::lock_guard lock(mutex_);
  drop_expired();
  return std::erase_if(entries_, [&](const entry& e) { return e.blob == blob; }) > 0;
}

void memory_agent::remove_all() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t memory_agent::size() const {
  std::lock_guard lock(mutex_);
  drop_expired();
  return entries_.size();
}

void memory_agent::do_identities(identities_handler handler) { handler({}, identities()); }

void memory_agent::do_sign(const key& public_key, bytes data, sign_flags flags, sign_handler handler) {
  auto sig = sign(public_key, data, flags);
  if (!sig) return handler(sig.code(), {});
  handler({}, std::move(*sig));
}

void memory_agent::do_add_identity(const key& private_key, std::string comment, key_constraints constraints,
                                   status_handler handler) {
  handler(add(private_key, std::move(comment), constraints).code());
}

void memory_agent::do_remove_identity(const key& public_key, status_handler handler) {
  handler(remove(public_key) ? error_code{} : make_error_code(errc::agent_failure));
}

void memory_agent::do_remove_all(status_handler handler) {
  remove_all();
  handler({});
}

}  // namespace sshlib
