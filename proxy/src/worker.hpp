// One worker: a thread running its own io_context, with a listener on every configured
// address (SO_REUSEPORT, so the kernel spreads new connections over the workers). A
// connection accepted here stays here for life, with everything it opens; nothing on the
// data path is shared between workers.
#pragma once

#include "inbound_connection.hpp"
#include "shared_state.hpp"

#include <sshlib/listener.hpp>
#include <sshlib/result.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace bastion {

class worker {
 public:
  /// `index`: which worker this is (0..n-1), which is also its metrics shard.
  worker(shared_state& shared, std::size_t index, std::vector<sshlib::key> host_keys,
         sshlib::listener_limits limits);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  /// Binds every address (before start). Errors: the first bind failure, naming the address.
  sshlib::result<void> listen(const std::vector<listen_address>& addresses);
  void start();
  /// Stops accepting; connections go on (draining).
  void stop_accepting();
  /// Ends every connection (the drain deadline passed).
  void end_all();
  /// Stops the thread once its work is done or ended, and joins it.
  void join();

  /// Authenticated connections open now.
  std::size_t live_connections() const noexcept { return live_count_.load(); }

 private:
  void on_accept(sshlib::server_config& config, const boost::asio::ip::tcp::endpoint& peer);
  void on_connection(std::shared_ptr<sshlib::server_connection> c,
                     const boost::asio::ip::tcp::endpoint& peer);
  void on_rejected(const sshlib::rejected_connection& r);
  void measure_loop_lag(std::chrono::steady_clock::time_point expected);

  shared_state& shared_;
  metrics::shard_id shard_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer lag_timer_{io_};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  sshlib::server_config server_config_;
  sshlib::listener_limits limits_;
  std::vector<std::unique_ptr<sshlib::listener>> listeners_;
  // Connections in handshake or authentication, by client address (unique per TCP
  // connection), and those authenticated.
  std::map<boost::asio::ip::tcp::endpoint, std::shared_ptr<inbound_connection>> pending_;
  std::set<std::shared_ptr<inbound_connection>> live_;
  std::atomic<std::size_t> live_count_{0};
  std::thread thread_;
};

}  // namespace bastion
