// A real OpenSSH server listening on a loopback TCP port, for tests of programs that take a
// host and a port (the examples, the bastion). It is sshd_server's configuration (private
// directory, generated host keys, authorized_keys) run as `sshd -D` on a port that was free
// a moment before: the constructor picks one by binding port 0, starts sshd on it and polls
// (bounded) until it accepts; if sshd exits first (the port was taken in between), it tries
// another port. The destructor stops it.
#pragma once

#include "support/process.hpp"
#include "support/sshd.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sshlib::test {

class listening_sshd {
 public:
  /// `extra_config` lines are appended to sshd_config. Throws std::runtime_error when sshd
  /// does not accept connections within 20 s (the message has its log).
  explicit listening_sshd(std::vector<std::string> extra_config = {});
  ~listening_sshd();
  listening_sshd(const listening_sshd&) = delete;
  listening_sshd& operator=(const listening_sshd&) = delete;

  /// Why sshd cannot run here, or empty when it can (as sshd_server).
  static std::string unavailable_reason() { return sshd_server::unavailable_reason(); }

  std::uint16_t port() const noexcept { return port_; }
  /// The configuration, authorized_keys, host keys and log (sshd -E).
  sshd_server& server() noexcept { return server_; }
  /// sshd's log so far, with what it printed on stderr before it could log.
  std::string log() const;

 private:
  bool start_on(std::uint16_t port);

  sshd_server server_;
  std::unique_ptr<background_process> process_;
  std::uint16_t port_ = 0;
};

/// A TCP port on 127.0.0.1 that was free when asked (bind to port 0, read it, close).
std::uint16_t free_loopback_port();

}  // namespace sshlib::test
