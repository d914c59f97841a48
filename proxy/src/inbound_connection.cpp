// A client connection's life after accept: callbacks wired to the policy, channel opens
// dispatched by kind, and one "disconnect" event with its duration and bytes at the end.
#include "inbound_connection.hpp"

#include "upstream.hpp"

#include <boost/asio/post.hpp>

namespace bastion {
namespace asio = boost::asio;

inbound_connection::inbound_connection(shared_state& shared, asio::any_io_executor executor,
                                       asio::ip::tcp::endpoint peer, metrics::shard_id shard)
    : shared_(shared),
      shard_(shard),
      config_(shared.config()),
      executor_(std::move(executor)),
      peer_(std::move(peer)),
      id_(shared.next_connection_id()),
      started_(std::chrono::steady_clock::now()) {}

std::string inbound_connection::source_address() const {
  auto a = peer_.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return a.to_v6().to_v4().to_string();
  return a.to_string();
}

const std::string& inbound_connection::user() const {
  static const std::string none;
  return identity_ ? identity_->user : none;
}

void inbound_connection::log(std::string_view event, nlohmann::json fields) {
  fields["conn"] = id_;
  if (identity_) fields["user"] = identity_->user;
  fields["source"] = source_address();
  shared_.record(shard_, event, std::move(fields));
}

void inbound_connection::configure(sshlib::server_config& config) {
  std::weak_ptr<inbound_connection> weak = weak_from_this();
  config.max_auth_attempts = config_->limits.max_auth_attempts;
  config.login_grace_time = config_->limits.login_grace;
  // The connection owns its server_connection, which owns these callbacks: weak pointers
  // keep that from being a cycle.
  config.authentication = [weak](sshlib::auth_request r) {
    if (auto self = weak.lock()) return self->authenticate(std::move(r));
    r.reject();
  };
  config.channel_open = [weak](sshlib::incoming_channel c) {
    if (auto self = weak.lock()) return self->on_channel(std::move(c));
    c.reject(sshlib::channel_open_failure::resource_shortage,
             "the bastion is closing this connection");
  };
  config.global_request = [weak](sshlib::global_request r) {
    if (auto self = weak.lock()) return self->on_global_request(std::move(r));
    r.reject();
  };
}

void inbound_connection::attach(std::shared_ptr<sshlib::server_connection> connection) {
  connection_ = std::move(connection);
  log("connect",
      {{"client", connection_->client_ident() ? connection_->client_ident()->software : ""},
       {"methods", connection_->auth_methods_used()},
       {"login_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()}});
  connection_->async_wait_closed(
      [self = shared_from_this()](boost::system::error_code) { self->on_closed(); });
}

void inbound_connection::on_closed() {
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  log("disconnect",
      {{"duration_seconds", seconds}, {"bytes_up", bytes_up_}, {"bytes_down", bytes_down_}});
  if (upstream_) upstream_->close();
  connection_.reset();  // the last reference to the server_connection: its callbacks go too
  if (auto f = std::move(on_end_)) f();
}

void inbound_connection::end() {
  if (upstream_) upstream_->close();
  if (connection_) connection_->end();
}

std::shared_ptr<upstream> inbound_connection::upstream_for(const policy::grant& g) {
  if (!upstream_) {
    upstream_ = std::make_shared<upstream>(weak_from_this(), executor_, g,
                                           config_->limits.upstream_connect_timeout);
  }
  return upstream_;
}

policy::access_decision inbound_connection::authorize_terminating() const {
  policy::access_request q;
  q.user = user();
  q.source_address = source_address();
  q.target = *identity_->target;
  q.login = identity_->login;
  q.mode = policy::access_mode::terminating;
  return policy::authorize_target(*config_->policy, q);
}

void inbound_connection::on_global_request(sshlib::global_request r) {
  const bool forward = r.name() == "tcpip-forward" || r.name() == "streamlocal-forward@openssh.com";
  if (identity_ && identity_->target) {
    auto d = authorize_terminating();
    if (d.verdict.allowed) {
      return handle_terminating_global_request(shared_from_this(), std::move(r),
                                               std::move(*d.granted));
    }
    if (forward) log("request_denied", {{"request", r.name()}, {"reason", d.verdict.reason}});
    return r.reject();
  }
  if (forward) {
    log("request_denied", {{"request", r.name()},
                           {"reason",
                            "remote forwarding through the bastion itself is not offered; "
                            "ask the target (-R in terminating mode)"}});
  }
  r.reject();  // keepalives and the like: refusing is the expected answer
}

bool inbound_connection::upstream_matches(const policy::grant& g) const {
  if (!upstream_) return true;
  const auto& mine = upstream_->granted();
  return mine.destination.name == g.destination.name && mine.login == g.login;
}

void inbound_connection::on_channel(sshlib::incoming_channel c) {
  if (c.type == "direct-tcpip" && identity_ && identity_->target) {
    // Terminating mode: the forward goes on from the target.
    auto d = authorize_terminating();
    if (!d.verdict.allowed) {
      log("channel_denied", {{"type", c.type}, {"reason", d.verdict.reason}});
      return c.reject(sshlib::channel_open_failure::administratively_prohibited, d.verdict.reason);
    }
    return start_terminating_local_forward(shared_from_this(), std::move(c), std::move(*d.granted));
  }
  if (c.type == "direct-tcpip") {
    if (c.port == 0 || c.port > 65535) {
      return c.reject(sshlib::channel_open_failure::connect_failed,
                      "port " + std::to_string(c.port) + " is not valid");
    }
    auto d = policy::authorize_hop(*config_->policy, user(), source_address(), c.host,
                                   static_cast<std::uint16_t>(c.port));
    if (!d.verdict.allowed) {
      log("channel_denied",
          {{"type", c.type}, {"host", c.host}, {"port", c.port}, {"reason", d.verdict.reason}});
      return c.reject(sshlib::channel_open_failure::administratively_prohibited, d.verdict.reason);
    }
    return start_hop(shared_from_this(), std::move(c), std::move(*d.granted));
  }
  if (c.type == "session") {
    if (!identity_ || !identity_->target) return serve_menu(shared_from_this(), c.accept());
    auto d = authorize_terminating();
    if (!d.verdict.allowed) {
      log("channel_denied",
          {{"type", c.type}, {"target", *identity_->target}, {"reason", d.verdict.reason}});
      return c.reject(sshlib::channel_open_failure::administratively_prohibited, d.verdict.reason);
    }
    return start_terminating_session(shared_from_this(), std::move(c), std::move(*d.granted));
  }
  const std::string why = "the bastion does not relay " + c.type + " channels";
  log("channel_denied", {{"type", c.type}, {"reason", why}});
  c.reject(sshlib::channel_open_failure::administratively_prohibited, why);
}

}  // namespace bastion
