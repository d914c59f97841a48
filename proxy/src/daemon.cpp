#include "daemon.hpp"
#include "session_recording.hpp"

#include "shared_state.hpp"
#include "worker.hpp"

#include <bastion/metrics/http_endpoint.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <iostream>
#include <thread>

namespace bastion {
namespace asio = boost::asio;

namespace {

std::size_t worker_count(const daemon_config& c) {
  if (c.workers != 0) return c.workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

// The configured totals, shared out over the workers (the kernel spreads connections
// evenly enough); rounded up, so each worker allows at least one.
sshlib::listener_limits per_worker(const connection_limits& l, std::size_t workers) {
  auto share = [workers](std::size_t total) { return (total + workers - 1) / workers; };
  sshlib::listener_limits out;
  out.max_connections = share(l.max_connections);
  out.max_unauthenticated = share(l.max_unauthenticated);
  out.max_unauthenticated_per_source = share(l.max_unauthenticated_per_source);
  return out;
}

std::size_t live(const std::vector<std::unique_ptr<worker>>& workers) {
  std::size_t n = 0;
  for (const auto& w : workers) n += w->live_connections();
  return n;
}

// The metrics endpoint on a thread of its own, so a slow scraper never delays a worker.
class metrics_server {
 public:
  metrics_server(shared_state& shared, const metrics_config& config, metrics::shard_id shard) {
    metrics::endpoint_options o;
    o.address = config.listen->address;
    o.port = config.listen->port;
    o.bearer_token = config.bearer_token;
    o.self_metrics = &shared.registry();
    o.self_metrics_shard = shard.index;
    metrics::endpoint_handlers h;
    h.scrape = [&shared] { return shared.registry().scrape(); };
    h.not_ready_reason = [&shared] {
      return shared.draining.load() ? std::string("draining") : std::string();
    };
    endpoint_ = std::make_unique<metrics::http_endpoint>(io_, std::move(o), std::move(h));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~metrics_server() {
    endpoint_->stop();
    thread_.join();
    endpoint_.reset();
  }
  std::uint16_t port() const { return endpoint_->port(); }

 private:
  asio::io_context io_{1};
  std::unique_ptr<metrics::http_endpoint> endpoint_;
  std::thread thread_;
};

}  // namespace

int run_daemon(daemon_config config) {
  // A recording over a file size limit must fail as a write error (EFBIG, then the
  // recording's on_error decides), not kill the daemon.
  std::signal(SIGXFSZ, SIG_IGN);
  auto keys = load_host_keys(config);
  if (!keys.problems.empty()) {
    std::cerr << policy::format_problems(keys.problems);
    return 1;
  }
  if (config.recording.directory) {
    if (auto why = prepare_recording_directory(*config.recording.directory); !why.empty()) {
      std::cerr << "bastion: " << why << "\n";
      return 1;
    }
  }
  std::unique_ptr<event_log> log;
  try {
    log = std::make_unique<event_log>(config.log.file, config.log.debug, config.log.also_stderr);
  } catch (const std::exception& e) {
    std::cerr << "bastion: " << e.what() << "\n";
    return 1;
  }
  const auto config_path = config.source;
  const auto n = worker_count(config);
  const auto limits = per_worker(config.limits, n);
  const auto addresses = config.listen;
  const auto drain_timeout = config.limits.drain_timeout;
  const auto metrics_settings = config.metrics;
  // Metrics shards: one per worker, then the main thread's, then the endpoint's.
  shared_state shared(std::make_shared<const daemon_config>(std::move(config)), std::move(log),
                      n + 2);
  const auto main_shard = shared.registry().shard(n);

  std::vector<std::unique_ptr<worker>> workers;
  for (std::size_t i = 0; i < n; ++i) {
    workers.push_back(std::make_unique<worker>(shared, i, keys.keys, limits));
    if (auto bound = workers.back()->listen(addresses); !bound) {
      std::cerr << "bastion: " << bound.error().detail << "\n";
      return 1;
    }
  }
  std::unique_ptr<metrics_server> metrics_endpoint;
  if (metrics_settings.listen) {
    try {
      metrics_endpoint = std::make_unique<metrics_server>(shared, metrics_settings,
                                                          shared.registry().shard(n + 1));
    } catch (const std::exception& e) {
      std::cerr << "bastion: cannot serve metrics on " << metrics_settings.listen->text() << ": "
                << e.what() << "\n";
      return 1;
    }
  }
  for (auto& w : workers) w->start();

  nlohmann::json listening = nlohmann::json::array();
  std::string line = "bastion: listening on";
  for (const auto& a : addresses) {
    listening.push_back(a.text());
    line += " " + a.text();
  }
  shared.log().write("start",
                     {{"listen", listening}, {"workers", n}, {"config", config_path.string()}});
  if (metrics_endpoint) {
    listen_address bound = *metrics_settings.listen;
    bound.port = metrics_endpoint->port();
    shared.log().write("metrics", {{"listen", bound.text()},
                                   {"bearer_token", !metrics_settings.bearer_token.empty()}});
    std::cout << "bastion: metrics on http://" << bound.text() << "/metrics\n";
  }
  std::cout << line << std::endl;

  asio::io_context main_io;
  asio::signal_set signals(main_io, SIGHUP, SIGTERM, SIGINT);
  signals.add(SIGUSR1);
  asio::steady_timer drain_timer(main_io);
  auto drain_deadline = std::chrono::steady_clock::time_point{};

  std::function<void()> check_drained = [&] {
    if (live(workers) == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      const auto left = live(workers);
      if (left != 0) {
        shared.log().write("drain_timeout", {{"connections_ended", left}});
        for (auto& w : workers) w->end_all();
      }
      signals.cancel();
      return;
    }
    // Draining is rare and short: a coarse look at the counts is all it needs.
    drain_timer.expires_after(std::chrono::milliseconds(200));
    drain_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) check_drained();
    });
  };

  std::function<void()> wait_signal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        auto next = load_config(config_path);
        if (next.value && next.value->recording.directory) {
          if (auto why = prepare_recording_directory(*next.value->recording.directory);
              !why.empty()) {
            next.problems.push_back({config_path.string(), "/recording/directory", why});
            next.value.reset();
          }
        }
        if (!next.value) {
          shared.record(main_shard, "reload_failed",
                        {{"config", config_path.string()},
                         {"problems", policy::format_problems(next.problems)}});
        } else {
          shared.replace_config(std::make_shared<const daemon_config>(std::move(*next.value)));
          shared.record(main_shard, "reload", {{"config", config_path.string()}});
        }
        return wait_signal();
      }
      if (sig == SIGUSR1) {
        try {
          shared.log().reopen();
        } catch (const std::exception& e) {
          std::cerr << "bastion: " << e.what() << "\n";
        }
        return wait_signal();
      }
      if (shared.draining.exchange(true)) return wait_signal();
      shared.log().write("draining", {{"signal", sig},
                                      {"connections", live(workers)},
                                      {"timeout_seconds", drain_timeout.count()}});
      for (auto& w : workers) w->stop_accepting();
      drain_deadline = std::chrono::steady_clock::now() + drain_timeout;
      wait_signal();    // further signals are still answered (a SIGHUP while draining)
      check_drained();  // cancels that wait once drained
    });
  };
  wait_signal();
  main_io.run();

  for (auto& w : workers) w->join();
  shared.log().write("stop", {});
  return 0;
}

}  // namespace bastion
