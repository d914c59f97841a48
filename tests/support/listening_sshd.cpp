#include "support/listening_sshd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace sshlib::test {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto start_timeout = std::chrono::seconds(20);
constexpr int port_attempts = 5;
constexpr int poll_interval_ms = 10;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int milliseconds_until(clock_type::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// True when something accepts on the port and greets with an SSH identification line (so a
// stranger that took the port in between is not mistaken for our sshd).
bool ssh_server_answers(std::uint16_t port, clock_type::time_point deadline) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto addr = loopback(port);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    std::string banner;
    while (banner.size() < 4 && milliseconds_until(deadline) > 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, milliseconds_until(deadline)) <= 0) break;
      char buf[64];
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got <= 0) break;
      banner.append(buf, static_cast<std::size_t>(got));
    }
    ok = banner.rfind("SSH-", 0) == 0;
  }
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  auto addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

listening_sshd::listening_sshd(std::vector<std::string> extra_config)
    : server_(std::move(extra_config)) {
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    if (start_on(free_loopback_port())) return;
  }
  throw std::runtime_error("sshd did not start listening after " + std::to_string(port_attempts) +
                           " ports:\n" + log());
}

listening_sshd::~listening_sshd() = default;

bool listening_sshd::start_on(std::uint16_t port) {
  const auto dir = server_.dir();
  process_ = std::make_unique<background_process>(
      std::vector<std::string>{"/usr/sbin/sshd", "-D", "-f", (dir / "sshd_config").string(), "-E",
                               (dir / "sshd.log").string(), "-p", std::to_string(port), "-o",
                               "ListenAddress=127.0.0.1"},
      environment{}, dir / "sshd-stderr.log");
  const auto deadline = clock_type::now() + start_timeout;
  while (clock_type::now() < deadline) {
    if (!process_->running()) return false;  // most likely the port was taken: try another
    if (ssh_server_answers(port, deadline)) {
      port_ = port;
      return true;
    }
    // sshd gives no other sign that it is listening: poll, bounded by the deadline.
    ::poll(nullptr, 0, poll_interval_ms);
  }
  throw std::runtime_error("sshd did not accept on port " + std::to_string(port) +
                           " within 20 s:\n" + log());
}

std::string listening_sshd::log() const {
  std::string out = server_.log();
  std::error_code ec;
  const auto early = server_.dir() / "sshd-stderr.log";
  if (std::filesystem::exists(early, ec)) out += read_file(early);
  return out;
}

}  // namespace sshlib::test
