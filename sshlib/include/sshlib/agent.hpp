// SSH agents (OpenSSH's PROTOCOL.agent): `agent` is the seed's BaseAgent, an interface that
// lists identities and signs with them; `openssh_agent` talks to an OpenSSH-compatible agent
// over its UNIX socket (the seed's OpenSSHAgent); create_agent is the seed's createAgent.
// Pageant and Cygwin agents are Windows-only and not provided.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/error.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <memory>
#include <string>
#include <vector>

namespace sshlib {

/// SSH_AGENT_SIGN_REQUEST flags (PROTOCOL.agent): which RSA signature algorithm to use.
namespace agent_flags {
inline constexpr std::uint32_t rsa_sha2_256 = 2;
inline constexpr std::uint32_t rsa_sha2_512 = 4;
}  // namespace agent_flags

/// The agent flag for a public-key signature algorithm ("rsa-sha2-512" -> rsa_sha2_512).
std::uint32_t agent_flags_for(std::string_view signature_algorithm) noexcept;

class agent {
public:
  using executor_type = boost::asio::any_io_executor;
  virtual ~agent() = default;
  virtual executor_type get_executor() = 0;

  /// The agent's public keys (comments included). Completion:
  /// void(error_code, std::vector<key>). Errors: agent_failure, connection_lost, protocol_error.
  template <class Token>
  auto async_identities(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::vector<key>)>(
        [this](auto handler) {
          do_identities(detail::erase_handler<boost::system::error_code, std::vector<key>>(std::move(handler), get_executor()));
        },
        token);
  }
  /// Signs `data` with the private half of `public_key`; `flags` from agent_flags. Completion:
  /// void(error_code, bytes signature_blob) (string algorithm, string signature).
  template <class Token>
  auto async_sign(key public_key, bytes data, std::uint32_t flags, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, bytes)>(
        [this](auto handler, key k, bytes d, std::uint32_t f) {
          do_sign(std::move(k), std::move(d), f,
                  detail::erase_handler<boost::system::error_code, bytes>(std::move(handler), get_executor()));
        },
        token, std::move(public_key), std::move(data), flags);
  }

  // For implementers (and sshlib's own callers).
  virtual void do_identities(detail::completion<boost::system::error_code, std::vector<key>> done) = 0;
  virtual void do_sign(key public_key, bytes data, std::uint32_t flags,
                       detail::completion<boost::system::error_code, bytes> done) = 0;
};

class openssh_agent_impl;

/// An agent reached over a UNIX socket speaking PROTOCOL.agent (ssh-agent, gpg-agent, ...).
/// Requests are sent one at a time in order; the socket is opened on first use.
class openssh_agent final : public agent {
public:
  openssh_agent(executor_type executor, std::string socket_path);
  ~openssh_agent() override;
  executor_type get_executor() override;

  /// Adds a private key (SSH_AGENTC_ADD_IDENTITY). Completion: void(error_code).
  template <class Token>
  auto async_add_identity(key private_key, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler, key k) {
          do_add(std::move(k), detail::erase_handler<boost::system::error_code>(std::move(handler), get_executor()));
        },
        token, std::move(private_key));
  }

  void do_identities(detail::completion<boost::system::error_code, std::vector<key>> done) override;
  void do_sign(key public_key, bytes data, std::uint32_t flags,
               detail::completion<boost::system::error_code, bytes> done) override;
  void do_add(key private_key, detail::completion<boost::system::error_code> done);

private:
  std::shared_ptr<openssh_agent_impl> impl_;
};

/// The seed's createAgent: an openssh_agent on `socket_path`, or on $SSH_AUTH_SOCK when empty.
/// Errors: invalid_value when neither is set.
result<std::shared_ptr<agent>> create_agent(agent::executor_type executor, std::string socket_path = {});

}  // namespace sshlib
