// sshlib::client: connecting (TCP or a given stream), host key verification, and running
// user authentication; the public members forward to client_impl.
#include "connection/client_impl.hpp"

#include "agent/deadline_agent.hpp"
#include "common/await_callback.hpp"
#include "crypto/random.hpp"
#include "wire/writer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sshlib {
namespace asio = boost::asio;

client::client(executor_type executor) : impl_(std::make_shared<client_impl>(std::move(executor))) {}
client::~client() {
  if (impl_ && impl_->session_) impl_->session_->close();
}
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

client::executor_type client::get_executor() const noexcept { return impl_->executor_; }
void client::rekey() { impl_->rekey(); }
void client::end() { impl_->end(); }
bool client::is_authenticated() const noexcept { return impl_->authenticated_; }
std::optional<negotiated_algorithms> client::negotiated() const { return impl_->negotiated_; }
std::optional<sshlib::error> client::last_error() const { return impl_->last_error_; }
std::vector<std::string> client::auth_methods_left() const { return impl_->auth_state_.methods_left; }
std::string client::server_identification() const {
  if (!impl_->session_) return {};
  return impl_->session_->machine().peer().raw;
}

void client::do_connect(std::unique_ptr<byte_stream> stream, client_config config, std::string host, std::uint16_t port,
                        detail::completion<boost::system::error_code> done) {
  auto impl = impl_;
  asio::co_spawn(
      impl->executor_,
      [impl, s = std::move(stream), c = std::move(config), h = std::move(host), port]() mutable {
        return impl->connect(std::move(s), std::move(c), std::move(h), port);
      },
      [done = std::move(done)](std::exception_ptr e, boost::system::error_code ec) mutable {
        if (e) ec = make_error_code(errc::protocol_error);
        done(ec);
      });
}

boost::system::error_code client_impl::fail(sshlib::error e) {
  if (config_.debug) config_.debug("connect failed: " + e.message());
  if (session_) session_->fail(e);
  last_error_ = e;
  ready_timer_.cancel();
  return e.code;
}

asio::awaitable<result<std::unique_ptr<byte_stream>>> client_impl::open_tcp(const std::string& host,
                                                                             std::uint16_t port) {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(executor_);
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return error{ec, "resolving " + host + ": " + ec.message()};
  // forceIPv4 / forceIPv6 and localAddress / localPort: try the addresses in the resolver's
  // order, keeping those of the wanted family, each from the wanted local endpoint.
  std::optional<asio::ip::address> local;
  if (!config_.local_address.empty()) {
    local = asio::ip::make_address(config_.local_address, ec);
    if (ec) co_return error{ec, "local address " + config_.local_address + ": " + ec.message()};
  }
  asio::ip::tcp::socket socket(executor_);
  bool tried = false;
  for (const auto& entry : endpoints) {
    const auto remote = entry.endpoint();
    if (config_.family == client_config::address_family::ipv4 && !remote.address().is_v4()) continue;
    if (config_.family == client_config::address_family::ipv6 && !remote.address().is_v6()) continue;
    if (local && local->is_v4() != remote.address().is_v4()) continue;
    tried = true;
    boost::system::error_code ignored;
    socket.close(ignored);
    socket.open(remote.protocol(), ec);
    if (!ec && (local || config_.local_port != 0)) {
      socket.set_option(asio::socket_base::reuse_address(true), ignored);
      const auto any = remote.address().is_v4() ? asio::ip::address(asio::ip::address_v4::any())
                                                : asio::ip::address(asio::ip::address_v6::any());
      socket.bind(asio::ip::tcp::endpoint(local.value_or(any), config_.local_port), ec);
      if (ec) co_return error{ec, "binding to local port " + std::to_string(config_.local_port) + ": " + ec.message()};
    }
    if (!ec) co_await socket.async_connect(remote, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) break;
  }
  if (!tried) {
    co_return error{errc::invalid_value, host + " has no address of the requested family"};
  }
  if (ec) co_return error{ec, "connecting to " + host + " port " + std::to_string(port) + ": " + ec.message()};
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return make_byte_stream(std::move(socket));
}

transport::session_hooks client_impl::make_hooks() {
  transport::session_hooks hooks;
  std::weak_ptr<client_impl> weak = weak_from_this();
  hooks.debug = config_.debug;
  hooks.verify_host_key = [weak](const transport::events::verify_host_key& v, detail::unique_function<void(bool)> done) {
    auto self = weak.lock();
    if (!self) return done(false);
    auto k = key::from_public_blob(v.host_key_blob);
    if (!k) {
      self->last_error_ = error{errc::host_key_rejected, "unparseable host key: " + k.error().message()};
      return done(false);
    }
    host_key_info info{*k, v.algorithm, k->fingerprint_sha256(), self->host_, self->port_};
    if (!self->config_.host_verifier) {
      if (self->config_.debug) self->config_.debug("no host verifier: accepting " + info.fingerprint_sha256);
      return done(true);
    }
    self->config_.host_verifier(info, [weak, done = std::move(done), fp = info.fingerprint_sha256](bool ok) mutable {
      if (auto s = weak.lock(); s && !ok) s->last_error_ = error{errc::host_key_rejected, "host key " + fp + " rejected by the verifier"};
      done(ok);
    });
  };
  hooks.handshake = [weak](const transport::events::handshake_done& h) {
    auto self = weak.lock();
    if (!self) return;
    self->negotiated_ = h.negotiated;
    if (self->config_.handshake) self->config_.handshake(h.negotiated, h.initial);
  };
  hooks.closed = [weak](const sshlib::error& e) {
    if (auto self = weak.lock(); self && !self->last_error_) self->last_error_ = e;
  };
  return hooks;
}

asio::awaitable<boost::system::error_code> client_impl::connect(std::unique_ptr<byte_stream> stream,
                                                                client_config config, std::string host,
                                                                std::uint16_t port) {
  if (session_) co_return fail({errc::invalid_value, "this client is already connected"});
  config_ = std::move(config);
  host_ = std::move(host);
  port_ = port;
  last_error_.reset();
  const auto ready_deadline = std::chrono::steady_clock::now() + config_.ready_timeout;
  if (config_.ready_timeout.count() > 0) {
    ready_timer_.expires_at(ready_deadline);
    std::weak_ptr<client_impl> weak = weak_from_this();
    ready_timer_.async_wait([weak](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->authenticated_) return;
      self->fail({errc::timeout, "not authenticated within the ready timeout"});
      if (!self->session_) self->last_error_ = error{errc::timeout, "ready timeout while connecting"};
    });
  }
  if (!stream) {
    auto s = co_await open_tcp(host_, port_);
    if (!s) co_return fail(s.error());
    stream = std::move(*s);
  }
  transport::transport_settings settings;
  settings.side = transport::role::client;
  settings.software_version = config_.ident;
  settings.algorithms = config_.algorithms;
  settings.strict_kex = config_.strict_kex;
  settings.rekey_bytes = config_.rekey_bytes;
  auto machine = transport::transport_machine::create(std::move(settings));
  if (!machine) co_return fail(machine.error());
  session_ = std::make_shared<transport::transport_session>(std::move(stream), std::move(*machine), make_hooks());
  session_->start();
  if (auto r = co_await session_->wait_handshake(); !r) co_return fail(last_error_.value_or(r.error()));
  // The ready timeout ends the transport, but an agent request in flight would keep the
  // login (and this coroutine) waiting for an agent that never answers: authentication uses
  // the agent through a deadline just after it (after, so the ready timeout is what the
  // caller is told, not a failed login). Forwarding keeps the agent itself.
  const client_config* auth_config = &config_;
  std::optional<client_config> bounded;
  if (config_.agent && config_.ready_timeout.count() > 0) {
    bounded = config_;
    bounded->agent = std::make_shared<deadline_agent>(config_.agent, executor_,
                                                      ready_deadline + std::chrono::milliseconds(50));
    auth_config = &*bounded;
  }
  if (auto r = co_await auth::authenticate_client(*session_, *auth_config, auth_state_); !r) {
    co_return fail(last_error_.value_or(r.error()));
  }
  authenticated_ = true;
  ready_timer_.cancel();
  connection::core_hooks hooks;
  hooks.channel_open = [weak = weak_from_this()](incoming_channel c) {
    if (auto self = weak.lock()) return self->on_channel_open(std::move(c));
    c.reject(channel_open_failure::administratively_prohibited, "client is gone");
  };
  hooks.hostkeys = config_.hostkeys;
  hooks.debug = config_.debug;
  core_ = std::make_shared<connection::connection_core>(session_, true, std::move(hooks));
  core_->start();
  core_->start_keepalive(config_.keepalive_interval, config_.keepalive_count_max);
  co_return boost::system::error_code{};
}

bytes client::direct_tcpip_data(std::string_view host, std::uint16_t port, std::string_view origin_host,
                                std::uint16_t origin_port) {
  bytes d;
  wire::writer w(d);
  w.write_string(host);
  w.write_u32(port);
  w.write_string(origin_host);
  w.write_u32(origin_port);
  return d;
}

void client::do_open_channel(std::string type, bytes data, detail::completion<boost::system::error_code, channel> done) {
  if (!impl_->core_) return done(make_error_code(errc::connection_closed), channel{});
  if (type == "direct-streamlocal@openssh.com" && !impl_->vendor_allows_openssh_extensions()) {
    return done(make_error_code(errc::unsupported_algorithm), channel{});
  }
  impl_->core_->open_channel(std::move(type), std::move(data), std::move(done));
}

void client::do_session(std::string request, std::string argument, session_options options,
                        detail::completion<boost::system::error_code, channel> done) {
  auto impl = impl_;
  asio::co_spawn(
      impl->executor_,
      [impl, r = std::move(request), a = std::move(argument), o = std::move(options)]() mutable {
        return impl->run_session(std::move(r), std::move(a), std::move(o));
      },
      [done = std::move(done)](std::exception_ptr ex, std::pair<boost::system::error_code, channel> result) mutable {
        if (ex) result.first = make_error_code(errc::protocol_error);
        done(result.first, std::move(result.second));
      });
}

namespace {

// Awaits a channel_impl / connection_core operation that completes with (error_code[, T]).
// Asio gives a completion whose first argument is an error_code special treatment under
// use_awaitable (it throws), so the code travels in a box.
struct ec_box {
  boost::system::error_code ec;
};

template <class Start>
asio::awaitable<boost::system::error_code> await_ec(Start start) {
  const ec_box box = co_await detail::await_callback<ec_box>([&](detail::unique_function<void(ec_box)> done) {
    start([d = std::move(done)](boost::system::error_code ec) mutable { d(ec_box{ec}); });
  });
  co_return box.ec;
}

}  // namespace

asio::awaitable<std::pair<boost::system::error_code, channel>> client_impl::run_session(std::string request,
                                                                                        std::string argument,
                                                                                        session_options options) {
  const auto& pty = options.pty;
  const auto& env = options.env;
  using result_t = std::pair<boost::system::error_code, channel>;
  if (!core_) co_return result_t{make_error_code(errc::connection_closed), channel{}};
  auto opened = co_await detail::await_callback<result_t>([&](detail::unique_function<void(result_t)> done) {
    core_->open_channel("session", {}, [d = std::move(done)](boost::system::error_code ec, channel c) mutable {
      d(result_t{ec, std::move(c)});
    });
  });
  if (opened.first) co_return opened;
  channel ch = opened.second;
  auto& impl = ch.impl();
  if (pty) {
    const bytes data = [&] {
      bytes d;
      wire::writer w(d);
      w.write_string(pty->term);
      w.write_u32(pty->cols);
      w.write_u32(pty->rows);
      w.write_u32(pty->width_px);
      w.write_u32(pty->height_px);
      bytes modes = pty->modes;
      modes.push_back(0);  // TTY_OP_END
      w.write_string(modes);
      return d;
    }();
    auto ec = co_await await_ec([&](auto done) { impl.request("pty-req", true, data, std::move(done)); });
    if (ec) {
      ch.close();
      co_return result_t{ec, channel{}};
    }
  }
  for (const auto& [name, value] : env) {
    bytes d;
    wire::writer w(d);
    w.write_string(name);
    w.write_string(value);
    // A refused variable is not fatal (sshd accepts only its AcceptEnv list).
    (void)co_await await_ec([&](auto done) { impl.request("env", true, d, std::move(done)); });
  }
  if (options.x11) {
    x11_settings x11 = *options.x11;
    if (x11.auth_cookie.empty()) {
      // The seed's default: 16 random bytes, as lowercase hex like xauth prints them.
      static constexpr char digits[] = "0123456789abcdef";
      for (std::uint8_t b : crypto::random_bytes(16)) {
        x11.auth_cookie += digits[b >> 4];
        x11.auth_cookie += digits[b & 15];
      }
    }
    auto ec = co_await await_ec([&](auto done) { impl.request("x11-req", true, encode_x11_request(x11), std::move(done)); });
    if (ec) {
      ch.close();
      co_return result_t{ec, channel{}};
    }
  }
  if (config_.forward_agent && config_.agent && request != "subsystem") {
    // Refusal is not fatal: ssh -A goes on without the agent too.
    (void)co_await await_ec([&](auto done) { impl.request("auth-agent-req@openssh.com", true, {}, std::move(done)); });
  }
  bytes arg;
  if (request != "shell") wire::writer(arg).write_string(argument);
  auto ec = co_await await_ec([&](auto done) { impl.request(request, true, arg, std::move(done)); });
  if (ec) {
    ch.close();
    co_return result_t{ec, channel{}};
  }
  co_return result_t{boost::system::error_code{}, std::move(ch)};
}

void client_impl::end() {
  ready_timer_.cancel();
  if (session_) session_->close();
}

void client_impl::rekey() {
  if (!session_) return;
  if (auto r = session_->rekey(); !r) last_error_ = r.error();
}

}  // namespace sshlib
