// SSH agents (draft-miller-ssh-agent, openssh-portable PROTOCOL.agent): the `agent`
// interface every key store implements, a client of an OpenSSH-compatible agent socket
// (`openssh_agent`, found with `create_agent`), and an in-memory store (`memory_agent`).
// `agent_server` (agent_server.hpp) serves any of them to OpenSSH tools over a socket.
//
// Asynchronous operations follow Asio's conventions: they take a completion token
// (a callback, boost::asio::use_future, boost::asio::use_awaitable, ...), never complete
// inside the initiating call (completions are posted to the handler's associated executor,
// by default the agent's), and report errors as boost::system::error_code values, mostly
// of sshlib's category. An agent object is not thread-safe: initiate its operations from
// one thread or strand at a time, the one running its executor.
#pragma once

#include <sshlib/agent_types.hpp>
#include <sshlib/bytes.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/key.hpp>
#include <sshlib/result.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sshlib {

class byte_stream;

/// A store of private keys that lists them and signs with them: what SSH authentication and
/// agent forwarding need from an agent (the seed's BaseAgent). Subclasses implement the
/// protected do_* virtuals, which take type-erased completion handlers, so an agent
/// written by an application is ordinary compiled code; the public async_* templates only
/// adapt completion tokens. Serve a subclass with agent_server to give OpenSSH tools (or a
/// forwarded agent channel) access to it.
class agent {
public:
  using executor_type = boost::asio::any_io_executor;
  using error_code = boost::system::error_code;

  virtual ~agent();

  /// The executor on which the agent does its work and, by default, completes operations.
  virtual executor_type get_executor() = 0;

  /// Lists the identities: public keys (or certificates) with their comments.
  /// Completion: void(error_code, std::vector<key>). Errors depend on the agent:
  /// agent_failure, agent_protocol_error, agent_busy, socket errors.
  template <class CompletionToken>
  auto async_identities(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code, std::vector<key>)>(
        [this](auto handler) {
          do_identities(detail::erase_handler<error_code, std::vector<key>>(std::move(handler), get_executor()));
        },
        token);
  }

  /// Signs `data` with the private key whose public half is `public_key` (a key from
  /// async_identities, or any key with the same public blob). `flags` choose the RSA hash
  /// (see rsa_algorithm_for); other key types ignore them. The key is copied and `data`
  /// moved into the operation, so neither needs to outlive the call.
  /// Completion: void(error_code, bytes signature_blob), the SSH signature blob (string
  /// algorithm name, string signature). Errors: agent_failure (no such key, or the agent
  /// refused), agent_protocol_error, length_exceeds_limit (data too large for an agent
  /// message), and the agent's own.
  template <class CompletionToken>
  auto async_sign(const key& public_key, bytes data, sign_flags flags, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code, bytes)>(
        [this](auto handler, const key& k, bytes d, sign_flags f) {
          do_sign(k, std::move(d), f, detail::erase_handler<error_code, bytes>(std::move(handler), get_executor()));
        },
        token, public_key, std::move(data), flags);
  }

  /// Adds a private key under `comment`, with optional constraints (a lifetime, or
  /// confirmation of each use). Completion: void(error_code). Errors: agent_refused (the
  /// agent does not accept keys, or not these constraints), agent_failure,
  /// not_a_private_key, agent_busy.
  template <class CompletionToken>
  auto async_add_identity(const key& private_key, std::string comment, key_constraints constraints,
                          CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, const key& k, std::string c, key_constraints kc) {
          do_add_identity(k, std::move(c), kc, detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, private_key, std::move(comment), constraints);
  }
  template <class CompletionToken>
  auto async_add_identity(const key& private_key, std::string comment, CompletionToken&& token) {
    return async_add_identity(private_key, std::move(comment), key_constraints{},
                              std::forward<CompletionToken>(token));
  }

  /// Removes the identity whose public blob is `public_key`'s. Completion: void(error_code).
  /// Errors: agent_failure (not found), agent_refused (not supported).
  template <class CompletionToken>
  auto async_remove_identity(const key& public_key, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, const key& k) {
          do_remove_identity(k, detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, public_key);
  }

  /// Removes every identity. Completion: void(error_code). Errors: agent_refused,
  /// agent_failure.
  template <class CompletionToken>
  auto async_remove_all(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler) {
          do_remove_all(detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token);
  }

  /// Locks the agent with a passphrase: while locked it lists no keys and refuses to sign.
  /// Completion: void(error_code). Errors: agent_failure (already locked), agent_refused.
  template <class CompletionToken>
  auto async_lock(secret_string passphrase, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, secret_string p) {
          do_lock(std::move(p), detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, std::move(passphrase));
  }

  /// Unlocks the agent. Completion: void(error_code). Errors: agent_failure (not locked, or
  /// a wrong passphrase), agent_refused.
  template <class CompletionToken>
  auto async_unlock(secret_string passphrase, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, secret_string p) {
          do_unlock(std::move(p), detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, std::move(passphrase));
  }

protected:
  using identities_handler = detail::completion<error_code, std::vector<key>>;
  using sign_handler = detail::completion<error_code, bytes>;
  using status_handler = detail::completion<error_code>;

  // Each do_* must call its handler exactly once. The handlers post to the caller's
  // executor, so calling one directly inside do_* is fine.
  virtual void do_identities(identities_handler handler) = 0;
  virtual void do_sign(const key& public_key, bytes data, sign_flags flags, sign_handler handler) = 0;
  // The rest default to refusing with agent_refused: a read-only agent implements only the
  // two above.
  virtual void do_add_identity(const key& private_key, std::string comment, key_constraints constraints,
                               status_handler handler);
  virtual void do_remove_identity(const key& public_key, status_handler handler);
  virtual void do_remove_all(status_handler handler);
  virtual void do_lock(secret_string passphrase, status_handler handler);
  virtual void do_unlock(secret_string passphrase, status_handler handler);
};

/// A client of an OpenSSH-compatible agent listening on a UNIX socket (the seed's
/// OpenSSHAgent). The first request connects; later ones reuse the connection, one
/// request at a time, queued in the order they were made (at most
/// agent_protocol::limits::max_queued_requests; more fail with agent_busy). A connection
/// that fails is dropped and the next request reconnects.
class openssh_agent final : public agent {
public:
  /// Opens a stream to the agent: complete with the stream or an error. Called for the
  /// first request and again after a connection failed.
  using stream_opener =
      std::function<void(detail::completion<boost::system::error_code, std::unique_ptr<byte_stream>>)>;

  /// Does not connect yet. `socket_path` is the agent's socket (e.g. $SSH_AUTH_SOCK).
  openssh_agent(executor_type executor, std::string socket_path);
  /// An agent reached over streams `open` provides, e.g. auth-agent@openssh.com channels
  /// to a client that forwarded its agent (server_connection::async_open_agent wrapped with
  /// make_byte_stream): a server can then sign with the client's keys, as a jump host does
  /// to log in further on the user's behalf. socket_path() is empty.
  openssh_agent(executor_type executor, stream_opener open);
  /// Closes the connection; operations still queued complete with
  /// boost::asio::error::operation_aborted.
  ~openssh_agent() override;
  openssh_agent(const openssh_agent&) = delete;
  openssh_agent& operator=(const openssh_agent&) = delete;

  executor_type get_executor() override;
  const std::string& socket_path() const noexcept;

  /// Aborts the request in flight and every queued one (they complete with
  /// boost::asio::error::operation_aborted) and closes the connection. Later requests
  /// reconnect.
  void close();

  // Errors of every operation, besides those documented on agent: socket errors from
  // connecting (boost::asio::error::not_found when the socket file is missing,
  // connection_refused, ...) or from reading and writing; agent_protocol_error when the
  // agent's reply is malformed or not the expected message.

protected:
  void do_identities(identities_handler handler) override;
  void do_sign(const key& public_key, bytes data, sign_flags flags, sign_handler handler) override;
  void do_add_identity(const key& private_key, std::string comment, key_constraints constraints,
                       status_handler handler) override;
  void do_remove_identity(const key& public_key, status_handler handler) override;
  void do_remove_all(status_handler handler) override;
  void do_lock(secret_string passphrase, status_handler handler) override;
  void do_unlock(secret_string passphrase, status_handler handler) override;

private:
  class connection;
  std::shared_ptr<connection> connection_;
};

/// The agent the environment points at (the seed's createAgent): an openssh_agent on
/// `socket_path`, or on $SSH_AUTH_SOCK when `socket_path` is empty. Does not connect.
/// Errors: agent_unavailable when both are empty. (Pageant and Cygwin agents are
/// Windows-only and not implemented.)
result<std::unique_ptr<agent>> create_agent(agent::executor_type executor, std::string_view socket_path = {});

/// Keys held in this process's memory. Serve one with agent_server to act as an ssh-agent,
/// or hand it to the client side of SSH authentication directly.
///
/// RSA signatures honour the flags as OpenSSH's agent does (rsa_sha2_256 -> rsa-sha2-256,
/// rsa_sha2_512 -> rsa-sha2-512, neither -> ssh-rsa). Lifetime constraints are enforced
/// (expired keys are dropped before every operation); confirmation constraints are refused
/// (agent_refused), since there is nobody to ask. DSA keys are refused: sshlib does not sign
/// with them. Locking is the server's business (agent_server), so do_lock/do_unlock refuse.
/// The synchronous members are thread-safe; the async operations use them.
class memory_agent final : public agent {
public:
  using clock = std::chrono::steady_clock;

  /// `now` replaces the clock used for lifetime constraints (tests); empty for steady_clock.
  explicit memory_agent(executor_type executor, std::function<clock::time_point()> now = {});

  executor_type get_executor() override;

  /// Adds or replaces (same public blob) a key. Errors: not_a_private_key, agent_refused
  /// (confirmation constraint, DSA key), agent_busy (already
  /// agent_protocol::limits::max_identities keys).
  result<void> add(const key& private_key, std::string comment, key_constraints constraints = {});
  /// The public halves, with comments, in the order they were added.
  std::vector<key> identities() const;
  /// Signs as async_sign does. Errors: agent_failure (no such key), and key::sign's.
  result<bytes> sign(const key& public_key, byte_view data, sign_flags flags) const;
  /// Removes the key with `public_key`'s blob; false when there was none.
  bool remove(const key& public_key);
  void remove_all();
  std::size_t size() const;

protected:
  void do_identities(identities_handler handler) override;
  void do_sign(const key& public_key, bytes data, sign_flags flags, sign_handler handler) override;
  void do_add_identity(const key& private_key, std::string comment, key_constraints constraints,
                       status_handler handler) override;
  void do_remove_identity(const key& public_key, status_handler handler) override;
  void do_remove_all(status_handler handler) override;

private:
  struct entry {
    key private_key;  // carries the comment
    bytes blob;       // its public blob, the identity's name on the wire
    std::optional<clock::time_point> expires;
  };
  void drop_expired() const;

  executor_type executor_;
  std::function<clock::time_point()> now_;
  mutable std::mutex mutex_;
  mutable std::vector<entry> entries_;
};

}  // namespace sshlib
