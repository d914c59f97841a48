// Authentication decisions on an immutable policy: public keys and user certificates,
// crypt(3) passwords, TOTP codes (RFC 6238), and multi-factor progress. Pure functions,
// safe to call from any thread on a shared policy_set. Password hashing is slow by design
// (tens to hundreds of milliseconds): the daemon runs check_password off its I/O threads.
#pragma once

#include <bastion/policy/decision.hpp>
#include <bastion/policy/model.hpp>

#include <sshlib/bytes.hpp>
#include <sshlib/key.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace bastion::policy {

/// Whether `key` authenticates `user`: a plain key listed in the user's public_keys, or an
/// OpenSSH user certificate signed by a configured CA, valid at `unix_now`, listing `user`
/// among its principals (an empty principal list is refused, as sshd does). A certificate's
/// source-address critical option is enforced against `source_address` (a certificate with
/// one is refused when the address is empty or outside it); force-command is refused, since
/// the bastion cannot honour it. The reason names the key (SHA256 fingerprint) or the
/// certificate (key id, serial, CA fingerprint). Only call for a key whose possession the
/// client has proven (signature checked), or to answer a publickey query.
decision check_public_key(const policy_set& p, std::string_view user, const sshlib::key& key,
                          std::uint64_t unix_now, std::string_view source_address = {});

/// Whether `password` matches the user's password_hash, with crypt(3) and a constant-time
/// comparison. An unknown user, or one without a password_hash, costs a crypt() of a fixed
/// dummy yescrypt hash too, so timing does not reveal which users exist.
decision check_password(const policy_set& p, std::string_view user,
                        const sshlib::secret_string& password);

struct totp_result {
  decision verdict;
  std::uint64_t step = 0;  // the time step the code matched (when allowed)
};

/// Whether `code` is the user's TOTP code for the time step of `unix_now`, one step before,
/// or one after (clock drift), and that step is later than `last_used_step` (0: none used
/// yet), so a code is never accepted twice. The caller stores the returned step as the
/// user's new last_used_step. The decoded secret lives in a wiping buffer.
totp_result check_totp(const policy_set& p, std::string_view user, std::string_view code,
                       std::uint64_t unix_now, std::uint64_t last_used_step);

struct auth_progress {
  bool complete = false;                  // some chain has been fully completed
  std::vector<auth_method> can_continue;  // methods that advance a chain (none when complete)
};

/// Multi-factor progress. `completed` is the methods the user has passed, in order; a chain
/// advances only in its own order ([publickey, keyboard-interactive] means the key first).
/// For SSH_MSG_USERAUTH_FAILURE's "authentications that can continue" and partial success.
/// An unknown user gets every method, like a real one, so the answer reveals nothing.
auth_progress next_auth_methods(const policy_set& p, std::string_view user,
                                std::span<const auth_method> completed);

}  // namespace bastion::policy
