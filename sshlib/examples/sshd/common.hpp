// What sshlib-sshd's parts share: the user it serves, its log, a worker (one io_context on
// one thread with its child processes and connections), the server's settings and keys,
// and what the sessions of one connection share.
#pragma once

#include "forwarding.hpp"
#include "options.hpp"

#include <sshlib/key.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sshd {

struct login_user {
  std::string name, home, shell;
};

// One line on stderr, whole even when workers log at once.
template <class... Parts>
void log_line(const Parts&... parts) {
  static std::mutex log_mutex;
  std::ostringstream s;
  s << "sshlib-sshd: ";
  (s << ... << parts);
  s << '\n';
  std::lock_guard lock(log_mutex);
  std::cerr << s.str() << std::flush;
}

// One io_context on one thread. Children are reaped by every worker's own SIGCHLD
// signal_set (Asio notifies each set registered for a signal) with waitpid on its own pids
// only, so no worker ever reaps another's child.
struct worker {
  boost::asio::io_context io{1};
  boost::asio::signal_set sigchld{io, SIGCHLD};
  std::map<pid_t, std::function<void(int)>> children;
  struct live_connection {
    std::shared_ptr<sshlib::server_connection> ssh;
    std::shared_ptr<sshd::forwarding> forwarding;
  };
  std::map<std::uint64_t, live_connection> connections;
  std::thread thread;

  void watch_children() {
    sigchld.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      reap();
      watch_children();
    });
  }
  void reap() {
    for (auto it = children.begin(); it != children.end();) {
      int status = 0;
      if (::waitpid(it->first, &status, WNOHANG) == it->first) {
        auto done = std::move(it->second);
        it = children.erase(it);
        done(status);
      } else {
        ++it;
      }
    }
  }
  void hang_up_children() {
    for (const auto& [pid, done] : children) ::kill(-pid, SIGHUP);
  }
};

struct server_state {
  options opts;
  login_user user;
  std::vector<sshlib::key> host_keys;
  std::vector<sshlib::bytes> authorized;
  std::optional<sshlib::bytes> password;  // SHA-256 of the password
  std::atomic<unsigned> connections{0};
};

// What the sessions of one connection share.
struct connection_info {
  std::string client_ip, server_ip;
  std::uint16_t client_port = 0, server_port = 0;
  unsigned sessions = 0;
  std::shared_ptr<sshd::forwarding> forwarding;
};

}  // namespace sshd
