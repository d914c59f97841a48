// openssh_agent: PROTOCOL.agent requests over a UNIX socket, one at a time, in order.
#include "agent/agent_codec.hpp"

#include <sshlib/agent.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <deque>

namespace sshlib {
namespace asio = boost::asio;
using boost::system::error_code;

class openssh_agent_impl : public std::enable_shared_from_this<openssh_agent_impl> {
public:
  openssh_agent_impl(asio::any_io_executor ex, std::string path) : executor_(std::move(ex)), path_(std::move(path)) {}

  void submit(bytes message, detail::completion<error_code, bytes> done) {
    queue_.emplace_back(std::move(message), std::move(done));
    if (running_) return;
    running_ = true;
    auto self = shared_from_this();
    asio::co_spawn(executor_, [self]() { return self->run(); }, asio::detached);
  }

  asio::any_io_executor executor_;

private:
  asio::awaitable<void> run() {
    auto self = shared_from_this();
    while (!queue_.empty()) {
      auto [message, done] = std::move(queue_.front());
      queue_.pop_front();
      auto [ec, reply] = co_await transact(message);
      done(ec, std::move(reply));
    }
    running_ = false;
  }

  asio::awaitable<std::pair<error_code, bytes>> transact(const bytes& message) {
    error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if (!socket_) {
      socket_.emplace(executor_);
      co_await socket_->async_connect(asio::local::stream_protocol::endpoint(path_), token);
      if (ec) co_return fail(ec);
    }
    const bytes framed = agent_proto::frame(message);
    co_await asio::async_write(*socket_, asio::buffer(framed), token);
    if (ec) co_return fail(ec);
    std::uint8_t prefix[4];
    co_await asio::async_read(*socket_, asio::buffer(prefix), token);
    if (ec) co_return fail(ec);
    auto length = agent_proto::frame_length(byte_view(prefix, 4));
    if (!length) co_return fail(length.error().code);
    bytes reply(*length);
    co_await asio::async_read(*socket_, asio::buffer(reply), token);
    if (ec) co_return fail(ec);
    co_return std::make_pair(error_code{}, std::move(reply));
  }

  // A broken conversation is not resumed: the next request reconnects.
  std::pair<error_code, bytes> fail(error_code ec) {
    socket_.reset();
    return {ec, bytes{}};
  }

  std::string path_;
  std::optional<asio::local::stream_protocol::socket> socket_;
  std::deque<std::pair<bytes, detail::completion<error_code, bytes>>> queue_;
  bool running_ = false;
};

std::uint32_t agent_flags_for(std::string_view signature_algorithm) noexcept {
  if (signature_algorithm.starts_with("rsa-sha2-512")) return agent_flags::rsa_sha2_512;
  if (signature_algorithm.starts_with("rsa-sha2-256")) return agent_flags::rsa_sha2_256;
  return 0;
}

openssh_agent::openssh_agent(executor_type executor, std::string socket_path)
    : impl_(std::make_shared<openssh_agent_impl>(std::move(executor), std::move(socket_path))) {}
openssh_agent::~openssh_agent() = default;
agent::executor_type openssh_agent::get_executor() { return impl_->executor_; }

void openssh_agent::do_identities(detail::completion<error_code, std::vector<key>> done) {
  impl_->submit(agent_proto::make_request_identities(), [done = std::move(done)](error_code ec, bytes reply) mutable {
    if (ec) return done(ec, {});
    auto ids = agent_proto::parse_identities_answer(reply);
    if (!ids) return done(ids.error().code, {});
    std::vector<key> keys;
    for (auto& id : *ids) {
      if (auto k = key::from_public_blob(id.blob, std::move(id.comment))) keys.push_back(std::move(*k));
    }
    done(error_code{}, std::move(keys));
  });
}

void openssh_agent::do_sign(key public_key, bytes data, std::uint32_t flags, detail::completion<error_code, bytes> done) {
  impl_->submit(agent_proto::make_sign_request(public_key.public_blob(), data, flags),
                [done = std::move(done)](error_code ec, bytes reply) mutable {
                  if (ec) return done(ec, {});
                  auto sig = agent_proto::parse_sign_response(reply);
                  if (!sig) return done(sig.error().code, {});
                  done(error_code{}, std::move(*sig));
                });
}

void openssh_agent::do_add(key private_key, detail::completion<error_code> done) {
  auto m = agent_proto::make_add_identity(private_key);
  if (!m) return done(m.error().code);
  impl_->submit(std::move(*m), [done = std::move(done)](error_code ec, bytes reply) mutable {
    if (ec) return done(ec);
    auto r = agent_proto::parse_success(reply);
    done(r ? error_code{} : r.error().code);
  });
}

result<std::shared_ptr<agent>> create_agent(agent::executor_type executor, std::string socket_path) {
  if (socket_path.empty()) {
    const char* env = std::getenv("SSH_AUTH_SOCK");
    if (env == nullptr || *env == '\0') return error{errc::invalid_value, "no agent socket given and SSH_AUTH_SOCK is not set"};
    socket_path = env;
  }
  return std::shared_ptr<agent>(std::make_shared<openssh_agent>(std::move(executor), std::move(socket_path)));
}

}  // namespace sshlib
