// agent_server: serves any sshlib::agent to agent clients (ssh, ssh-add, ssh-keygen -Y sign,
// sshlib's own openssh_agent) over UNIX stream sockets, speaking the protocol of
// draft-miller-ssh-agent like OpenSSH's ssh-agent. Together with a user subclass of
// sshlib::agent this is the seed's AgentProtocol in server mode: its "identities" event is
// agent::do_identities, its "sign" event agent::do_sign.
//
// What the server does itself: framing with a size cap, one request at a time per
// connection, a cap on connections, locking (SSH_AGENTC_LOCK/UNLOCK: while locked it lists
// no keys and refuses everything but UNLOCK; the passphrase is kept as a salted hash and
// compared in constant time; failed unlocks are answered after a growing delay), and
// extensions (session-bind@openssh.com is parsed and acknowledged but not enforced,
// because our agents support no destination constraints; any other extension gets
// SSH_AGENT_FAILURE). Everything else is forwarded to the backing agent, whose errors
// become SSH_AGENT_FAILURE. A malformed request gets SSH_AGENT_FAILURE; a bad length
// prefix closes the connection.
#pragma once

#include <sshlib/agent.hpp>
#include <sshlib/stream.hpp>

#include <boost/asio/local/stream_protocol.hpp>

#include <filesystem>
#include <memory>

namespace sshlib {

namespace agent_protocol {
class server_state;
}

class agent_server {
public:
  using executor_type = boost::asio::any_io_executor;
  using error_code = boost::system::error_code;
  using socket_type = boost::asio::local::stream_protocol::socket;

  /// A server with no listening socket: serve streams with async_serve_stream (e.g. agent
  /// forwarding). `backend` must outlive the server and every operation it has started,
  /// and be callable from `executor`'s thread (share the executor, or be thread-safe like
  /// memory_agent).
  agent_server(executor_type executor, agent& backend);

  /// Creates a socket (mode 0600) and accepts connections on it until close().
  ///  - `socket_path` empty: in a new directory (mode 0700) under the system's temporary
  ///    directory, named like OpenSSH's ("sshlib-agent-XXXXXX/agent.<pid>").
  ///  - otherwise the socket is created at `socket_path`. If its directory does not exist it
  ///    is created (mode 0700; its own parent must exist); if it does, it must be a
  ///    directory owned by this user that nobody else can enter (insecure_permissions
  ///    otherwise), since that is what keeps others off the socket.
  /// Run the executor for the server to do anything. The socket file, and the directory if
  /// we created it, are removed by close() or the destructor.
  /// Errors: insecure_permissions, and system errors (file_exists when something is already
  /// at `socket_path`, filename_too_long for a path that does not fit in a sockaddr_un, ...).
  static result<std::unique_ptr<agent_server>> listen(executor_type executor, agent& backend,
                                                      const std::filesystem::path& socket_path = {});

  /// close().
  ~agent_server();
  agent_server(const agent_server&) = delete;
  agent_server& operator=(const agent_server&) = delete;

  executor_type get_executor() const;
  /// Where listen() put the socket (empty for a server made by the constructor).
  const std::filesystem::path& socket_path() const noexcept;
  /// Connections being served, accepted or given to async_serve_stream.
  std::size_t connection_count() const noexcept;
  /// True while the agent is locked by SSH_AGENTC_LOCK.
  bool locked() const noexcept;

  /// Stops accepting, closes every connection (requests in progress are abandoned), and
  /// removes the socket file and the directory listen() created. Call it on the executor's
  /// thread (or while the executor is not running). Idempotent.
  void close();

  /// Serves agent requests on an already connected stream until the peer closes it or an
  /// error occurs. The socket is moved in. At most
  /// agent_protocol::limits::max_server_connections are served at once, counting accepted
  /// ones; beyond that the stream is closed at once and the operation fails.
  /// Completion: void(error_code): success when the peer closed the connection; agent_busy
  /// (too many connections), length_exceeds_limit or agent_protocol_error (bad length
  /// prefix), operation_aborted (close()), or the socket's error.
  template <class CompletionToken>
  auto async_serve_stream(socket_type socket, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, socket_type s) {
          do_serve_stream(std::move(s), detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, std::move(socket));
  }

  /// As async_serve_stream, over any byte stream (e.g. an auth-agent@openssh.com channel:
  /// agent forwarding).
  template <class CompletionToken>
  auto async_serve(std::unique_ptr<byte_stream> stream, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [this](auto handler, std::unique_ptr<byte_stream> s) {
          do_serve(std::move(s), detail::erase_handler<error_code>(std::move(handler), get_executor()));
        },
        token, std::move(stream));
  }

private:
  void do_serve(std::unique_ptr<byte_stream> stream, detail::completion<error_code> handler);
  void do_serve_stream(socket_type socket, detail::completion<error_code> handler);

  std::shared_ptr<agent_protocol::server_state> state_;
};

}  // namespace sshlib
