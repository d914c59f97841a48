// sshlib::server_connection: the handshake and authentication of one accepted client.
#include "connection/server_connection_impl.hpp"
#include "connection/channel_messages.hpp"
#include "connection/hostkeys.hpp"

#include <boost/asio/co_spawn.hpp>

namespace sshlib {
namespace asio = boost::asio;

server_connection::server_connection(std::unique_ptr<byte_stream> stream, server_config config)
    : impl_(std::make_shared<server_connection_impl>(std::move(stream), std::move(config))) {}
server_connection::~server_connection() {
  if (impl_) impl_->end();
}
server_connection::server_connection(server_connection&&) noexcept = default;
server_connection& server_connection::operator=(server_connection&&) noexcept = default;

server_connection::executor_type server_connection::get_executor() const noexcept { return impl_->executor_; }
const std::string& server_connection::username() const noexcept { return impl_->auth_.username; }
std::optional<negotiated_algorithms> server_connection::negotiated() const { return impl_->negotiated_; }
std::optional<sshlib::error> server_connection::last_error() const { return impl_->last_error_; }
const std::vector<std::string>& server_connection::auth_methods_used() const noexcept { return impl_->auth_.methods_used; }
const std::optional<key>& server_connection::auth_key() const noexcept { return impl_->auth_.auth_key; }
void server_connection::end() { impl_->end(); }
void server_connection::rekey() {
  if (impl_->session_) (void)impl_->session_->rekey();
}

bytes server_connection::tcpip_open_data(std::string_view host, std::uint32_t port, std::string_view origin_host,
                                         std::uint32_t origin_port, bool x11) {
  return x11 ? connection::make_x11_open(host, port) : connection::make_tcpip_open(host, port, origin_host, origin_port);
}

bytes server_connection::streamlocal_open_data(std::string_view path) {
  return connection::make_forwarded_streamlocal_open(path);
}

void server_connection::do_open_channel(std::string type, bytes data,
                                        detail::completion<boost::system::error_code, channel> done) {
  if (!impl_->core_) return done(make_error_code(errc::connection_closed), channel{});
  impl_->core_->open_channel(std::move(type), std::move(data), std::move(done));
}

void server_connection::do_wait_closed(detail::completion<boost::system::error_code> done) {
  if (impl_->core_) return impl_->core_->wait_closed(std::move(done));
  if (impl_->last_error_ && (!impl_->session_ || impl_->session_->is_closed())) return done(impl_->last_error_->code);
  impl_->early_close_waiters_.push_back(std::move(done));
}

std::optional<client_identification> server_connection::client_ident() const {
  if (!impl_->session_ || impl_->session_->machine().peer().raw.empty()) return std::nullopt;
  const auto& p = impl_->session_->machine().peer();
  return client_identification{p.raw, p.protocol, p.software, p.comments};
}

void server_connection::do_handshake(detail::completion<boost::system::error_code> done) {
  auto impl = impl_;
  asio::co_spawn(
      impl->executor_, [impl]() { return impl->handshake(); },
      [done = std::move(done)](std::exception_ptr e, boost::system::error_code ec) mutable {
        if (e) ec = make_error_code(errc::protocol_error);
        done(ec);
      });
}

boost::system::error_code server_connection_impl::fail(sshlib::error e) {
  if (config_.debug) config_.debug("server handshake failed: " + e.message());
  if (session_) session_->fail(e);
  if (!last_error_) last_error_ = e;
  grace_timer_.cancel();
  auto waiters = std::move(early_close_waiters_);
  for (auto& w : waiters) w(last_error_->code);
  return last_error_->code;
}

asio::awaitable<boost::system::error_code> server_connection_impl::handshake() {
  if (!stream_) co_return fail({errc::invalid_value, "handshake already started"});
  transport::transport_settings settings;
  settings.side = transport::role::server;
  settings.software_version = config_.ident;
  settings.greeting = config_.greeting;
  settings.algorithms = config_.algorithms;
  settings.host_keys = config_.host_keys;
  settings.strict_kex = config_.strict_kex;
  settings.rekey_bytes = config_.rekey_bytes;
  auto machine = transport::transport_machine::create(std::move(settings));
  if (!machine) co_return fail(machine.error());

  std::weak_ptr<server_connection_impl> weak = weak_from_this();
  transport::session_hooks hooks;
  hooks.debug = config_.debug;
  hooks.handshake = [weak](const transport::events::handshake_done& h) {
    auto self = weak.lock();
    if (!self) return;
    self->negotiated_ = h.negotiated;
    if (self->config_.handshake) self->config_.handshake(h.negotiated, h.initial);
  };
  hooks.closed = [weak](const sshlib::error& e) {
    if (auto self = weak.lock(); self && !self->last_error_) self->last_error_ = e;
  };
  session_ = std::make_shared<transport::transport_session>(std::move(stream_), std::move(*machine), std::move(hooks));
  if (config_.login_grace_time.count() > 0) {
    grace_timer_.expires_after(config_.login_grace_time);
    grace_timer_.async_wait([weak](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->authenticated_) return;
      self->fail({errc::timeout, "not authenticated within the login grace time"});
    });
  }
  session_->start();
  if (auto r = co_await session_->wait_handshake(); !r) co_return fail(last_error_.value_or(r.error()));
  auto a = co_await auth::authenticate_server(*session_, config_);
  if (!a) co_return fail(last_error_.value_or(a.error()));
  auth_ = std::move(*a);
  authenticated_ = true;
  grace_timer_.cancel();
  connection::core_hooks core_hooks;
  core_hooks.channel_open = config_.channel_open;
  core_hooks.global_request = config_.global_request;
  core_hooks.host_keys = config_.host_keys;
  core_ = std::make_shared<connection::connection_core>(session_, false, std::move(core_hooks));
  core_->start();
  for (auto& w : std::exchange(early_close_waiters_, {})) core_->wait_closed(std::move(w));
  core_->start_keepalive(config_.keepalive_interval, config_.keepalive_count_max);
  if (config_.announce_host_keys) {
    core_->global_request(std::string(connection::hostkeys_announce_name), false,
                          connection::hostkeys_announcement(config_.host_keys), [](boost::system::error_code, bytes) {});
  }
  if (config_.debug) config_.debug("authenticated " + auth_.username);
  co_return boost::system::error_code{};
}

void server_connection_impl::end() {
  grace_timer_.cancel();
  if (session_) session_->close();
}

}  // namespace sshlib
