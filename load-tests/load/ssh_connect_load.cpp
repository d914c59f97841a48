// ssh_connect_load: opens many SSH connections to one server with sshlib's client, keeps
// them all open at once with a session channel each, then closes them. It measures what a
// server costs per connection: how fast it completes handshakes plus authentication under
// a bounded number in flight, and (with the script around it) the memory it holds for N
// simultaneous authenticated connections. The same run against OpenSSH's sshd and our
// sshlib-sshd gives the ratios in docs/benchmarks.md.
//
// Usage: ssh_connect_load --port P --key FILE [--host 127.0.0.1] [--user root]
//                         [--connections N] [--concurrency C] [--hold-file PATH]
// With --hold-file, once every connection is open the program writes the file and waits
// until it is removed (the script samples the server's memory meanwhile).
#include "load_common.hpp"

#include <sshlib/client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string user = "root";
  std::string key_file;
  unsigned connections = 100;
  unsigned concurrency = 8;
  std::string hold_file;
};

struct load_state {
  options opts;
  sshlib::key key;
  asio::io_context& io;
  std::vector<std::unique_ptr<sshlib::client>> clients;
  std::vector<sshlib::channel> sessions;
  std::vector<double> latencies_ms;
  unsigned started = 0, finished = 0, failed = 0;
  std::string first_error;
};

void start_one(load_state& s);

void on_connected(load_state& s, sshlib::client& c, clock_type::time_point t0, boost::system::error_code ec) {
  if (ec) {
    ++s.failed;
    if (s.first_error.empty()) s.first_error = ec.message() + (c.last_error() ? ": " + c.last_error()->message() : "");
    ++s.finished;
    start_one(s);
    return;
  }
  // A session channel per connection, as an interactive user would hold.
  c.async_open_session([&s, t0](boost::system::error_code oec, sshlib::channel ch) {
    if (oec) {
      ++s.failed;
      if (s.first_error.empty()) s.first_error = "session: " + oec.message();
    } else {
      s.sessions.push_back(std::move(ch));
      s.latencies_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    }
    ++s.finished;
    start_one(s);
  });
}

void start_one(load_state& s) {
  if (s.started >= s.opts.connections) return;
  ++s.started;
  sshlib::client_config cfg;
  cfg.username = s.opts.user;
  cfg.private_key = s.key;
  cfg.ready_timeout = std::chrono::seconds(60);
  s.clients.push_back(std::make_unique<sshlib::client>(s.io.get_executor()));
  auto& c = *s.clients.back();
  const auto t0 = clock_type::now();
  c.async_connect(s.opts.host, s.opts.port, std::move(cfg),
                  [&s, &c, t0](boost::system::error_code ec) { on_connected(s, c, t0, ec); });
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int usage() {
  std::cerr << "usage: ssh_connect_load --port P --key FILE [--host H] [--user U] [--connections N]\n"
               "                        [--concurrency C] [--hold-file PATH]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--host") o.host = v;
    else if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoul(v));
    else if (a == "--user") o.user = v;
    else if (a == "--key") o.key_file = v;
    else if (a == "--connections") o.connections = static_cast<unsigned>(std::stoul(v));
    else if (a == "--concurrency") o.concurrency = std::max(1u, static_cast<unsigned>(std::stoul(v)));
    else if (a == "--hold-file") o.hold_file = v;
    else return usage();
  }
  if (o.port == 0 || o.key_file.empty()) return usage();
  auto key = load::read_key(o.key_file);
  if (!key) return 1;

  asio::io_context io;
  load_state s{o, *key, io, {}, {}, {}, 0, 0, 0, {}};
  s.clients.reserve(o.connections);
  const auto t0 = clock_type::now();
  for (unsigned i = 0; i < o.concurrency; ++i) start_one(s);
  while (s.finished < o.connections) {
    if (io.run_one() == 0) break;
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::cout << "connections " << s.sessions.size() << " of " << o.connections << " in " << seconds << " s: "
            << static_cast<double>(s.sessions.size()) / seconds << "/s; latency ms p50 " << percentile(s.latencies_ms, 0.5)
            << " p99 " << percentile(s.latencies_ms, 0.99) << "; failed " << s.failed
            << (s.first_error.empty() ? "" : " (first: " + s.first_error + ")") << std::endl;

  if (!o.hold_file.empty()) {
    // Everything is open: tell the script, keep the connections served until it says stop.
    std::ofstream(o.hold_file) << s.sessions.size() << "\n";
    while (std::filesystem::exists(o.hold_file)) {
      io.restart();
      io.run_for(std::chrono::milliseconds(100));
    }
  }
  for (auto& c : s.clients) c->end();
  io.restart();
  io.run_for(std::chrono::seconds(2));
  return s.failed == 0 ? 0 : 1;
}
