#include "worker.hpp"

#include <boost/asio/post.hpp>

namespace bastion {
namespace asio = boost::asio;
using asio::ip::tcp;

worker::worker(shared_state& shared, std::size_t index, std::vector<sshlib::key> host_keys,
               sshlib::listener_limits limits)
    : shared_(shared),
      shard_(shared.registry().shard(index)),
      work_(io_.get_executor()),
      limits_(limits) {
  server_config_.host_keys = std::move(host_keys);
  server_config_.ident = "bastion";
  server_config_.auth_methods = {"publickey", "password", "keyboard-interactive"};
  server_config_.keepalive_interval = std::chrono::seconds(60);
}

worker::~worker() {
  join();
}

sshlib::result<void> worker::listen(const std::vector<listen_address>& addresses) {
  for (const auto& a : addresses) {
    auto l = std::make_unique<sshlib::listener>(io_.get_executor(), server_config_, limits_);
    l->on_accept(
        [this](sshlib::server_config& c, const tcp::endpoint& peer) { on_accept(c, peer); });
    l->on_connection([this](std::shared_ptr<sshlib::server_connection> c,
                            const tcp::endpoint& peer) { on_connection(std::move(c), peer); });
    l->on_rejected([this](const sshlib::rejected_connection& r) { on_rejected(r); });
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(a.address, ec);
    if (ec) return sshlib::error(sshlib::errc::invalid_value, a.text() + ": " + ec.message());
    auto bound = l->listen(tcp::endpoint(address, a.port), true);
    if (!bound)
      return sshlib::error(bound.error().code,
                           "cannot listen on " + a.text() + ": " + bound.error().message());
    listeners_.push_back(std::move(l));
  }
  return {};
}

// How long a stopping worker keeps running handlers after ending its connections.
constexpr auto shutdown_grace = std::chrono::milliseconds(300);

// Lag is how late a timer fires: time the loop spent on other work (or the thread was not
// scheduled). Once a second is enough to see a stalled worker; the timer costs nothing else.
constexpr auto lag_period = std::chrono::seconds(1);

void worker::start() {
  measure_loop_lag(std::chrono::steady_clock::now() + lag_period);
  thread_ = std::thread([this] { io_.run(); });
}

void worker::measure_loop_lag(std::chrono::steady_clock::time_point expected) {
  lag_timer_.expires_at(expected);
  lag_timer_.async_wait([this, expected](boost::system::error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    shared_.metrics().loop_lag_seconds.observe(
        shard_, std::chrono::duration<double>(now - expected).count());
    measure_loop_lag(now + lag_period);
  });
}

void worker::on_accept(sshlib::server_config& config, const tcp::endpoint& peer) {
  shared_.metrics().connections_accepted.inc(shard_);
  auto conn = std::make_shared<inbound_connection>(shared_, io_.get_executor(), peer, shard_);
  conn->configure(config);
  pending_[peer] = std::move(conn);
}

void worker::on_connection(std::shared_ptr<sshlib::server_connection> c,
                           const tcp::endpoint& peer) {
  auto it = pending_.find(peer);
  if (it == pending_.end()) return c->end();  // not ours: cannot happen, but never serve blind
  auto conn = std::move(it->second);
  pending_.erase(it);
  live_.insert(conn);
  ++live_count_;
  conn->attach(std::move(c));
  conn->on_end([this, conn] {
    live_.erase(conn);
    --live_count_;
  });
}

void worker::on_rejected(const sshlib::rejected_connection& r) {
  pending_.erase(r.peer);
  shared_.record(shard_, "rejected",
                 {{"source", r.peer.address().to_string()}, {"reason", r.reason}});
}

void worker::stop_accepting() {
  asio::post(io_, [this] {
    for (auto& l : listeners_) l->close();
  });
}

void worker::end_all() {
  asio::post(io_, [this] {
    for (auto& [peer, conn] : pending_) conn->end();
    for (const auto& conn : live_) conn->end();
  });
}

void worker::join() {
  if (!thread_.joinable()) return;
  // Whatever is still open is ended, and the loop runs a little longer so that what the
  // endings set off completes (a closed connection's channels end their relays, which
  // frees them: a relay and its channel hold each other until then). Then whatever has not
  // finished (a handshake within its login grace, a connect to a silent target) is dropped
  // with the io_context.
  asio::post(io_, [this] {
    lag_timer_.cancel();
    listeners_.clear();
    for (auto& [peer, conn] : pending_) conn->end();
    for (const auto& conn : live_) conn->end();
    pending_.clear();
    live_.clear();
    work_.reset();
    lag_timer_.expires_after(shutdown_grace);
    lag_timer_.async_wait([this](boost::system::error_code) { io_.stop(); });
  });
  thread_.join();
}

}  // namespace bastion
