// Shared by the sshlib-sshd example's interop tests (sshd_example_test.cpp and
// sshd_example_forwarding_test.cpp): the built server as a child process on port 0, programs
// run with a deadline (killed when it passes), and the fixture that connects OpenSSH's `ssh`
// and our client to it.
#pragma once

#include <sshlib/client.hpp>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sshlib::test {

using clock_type = std::chrono::steady_clock;

/// The built sshlib-sshd ("" when the build did not say where).
extern const char* const example_path;

/// How long any one program run or wait may take.
constexpr std::chrono::seconds process_timeout{60};

std::string user_name();
int milliseconds_until(clock_type::time_point deadline);
/// Waits for a child with a deadline, then reaps it. Returns the wait status, or nullopt on
/// timeout.
std::optional<int> wait_child(pid_t pid, clock_type::time_point deadline);
void kill_and_reap(pid_t pid);

struct bounded_result : process_result {
  bool timed_out = false;
};

struct terminal_for_stdin {
  unsigned short rows = 0, cols = 0;
  cc_t intr = 3;
};

/// Runs argv with stdin from `input` (or from a pseudo-terminal of the given size and
/// interrupt character, which is what `ssh -tt` copies into its pty-req), collecting stdout
/// and stderr; kills the program if it takes longer than process_timeout.
bounded_result run_bounded(const std::vector<std::string>& argv, const std::string& input = {},
                           std::optional<terminal_for_stdin> tty = std::nullopt);

// The example server, stopped with SIGTERM (then SIGKILL after 20 s) on destruction.
class example_server {
 public:
  example_server(const temp_dir& dir, std::vector<std::string> extra) : log_(dir / "sshd.log") {
    std::vector<std::string> argv{example_path,
                                  "--port",
                                  "0",
                                  "--generate-host-key",
                                  (dir / "host_key").string(),
                                  "--authorized-keys",
                                  (dir / "authorized_keys").string(),
                                  "--password-file",
                                  (dir / "password").string(),
                                  // Keeps the account's ~/.bashrc (slow on some machines)
                                  // out of the sessions, as the tests' sshd does.
                                  "--set-env",
                                  "HOME=" + dir.path().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    const int log_fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      ::dup2(out[1], 1);
      ::dup2(log_fd, 2);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(log_fd);
    // The first line says where it listens; read it with a deadline.
    const auto deadline = clock_type::now() + std::chrono::seconds(30);
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, milliseconds_until(deadline)) <= 0) break;
      char buf[256];
      const ssize_t got = ::read(out[0], buf, sizeof buf);
      if (got <= 0) break;
      line.append(buf, static_cast<std::size_t>(got));
    }
    ::close(out[0]);
    first_line_ = line.substr(0, line.find('\n'));
    const auto colon = first_line_.rfind(':');
    if (first_line_.rfind("listening on ", 0) == 0 && colon != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(first_line_.substr(colon + 1)));
    }
  }
  ~example_server() { stop(); }
  /// SIGTERM, then waits up to 20 s (SIGKILL after). Returns the exit code, -1 if it had to
  /// be killed or died of a signal.
  int stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    if (auto status = wait_child(pid_, clock_type::now() + std::chrono::seconds(20))) {
      exit_code_ = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
    } else {
      kill_and_reap(pid_);
    }
    pid_ = -1;
    return exit_code_;
  }
  example_server(const example_server&) = delete;
  example_server& operator=(const example_server&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  std::string log() const { return read_file(log_); }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::uint16_t port_ = 0;
  std::string first_line_;
};

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done) {
  const auto deadline = clock_type::now() + process_timeout;
  while (!done() && clock_type::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The fixture of the sshlib-sshd tests: a key for the test's user (authorized), a password,
// the server started with start(extra flags), `ssh` run against it, our client connected.
class sshd_example_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(example_path).empty() || ::access(example_path, X_OK) != 0) {
      GTEST_SKIP() << "sshlib-sshd was not built (SSHLIB_SSHD_EXAMPLE: '" << example_path << "')";
    }
    if (!program_available("ssh")) GTEST_SKIP() << "OpenSSH client not installed";
    user_key_ = generate_key(key_type::ed25519).value();
    write_file(dir_ / "id", user_key_->private_openssh().value().view());
    std::filesystem::permissions(
        dir_ / "id", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    write_file(dir_ / "authorized_keys", "# the test's key\n" + user_key_->public_ssh() + "\n");
    write_file(dir_ / "password", "correct horse\n");
    start({});
  }

  // The server stops cleanly on SIGTERM, and the sanitizers it was built with found nothing.
  void TearDown() override { stop_and_check(); }

  void stop_and_check() {
    if (!server_) return;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    const std::string log = server_->log();
    for (const char* bad : {"AddressSanitizer", "LeakSanitizer", "runtime error:"}) {
      EXPECT_EQ(log.find(bad), std::string::npos) << log;
    }
    server_.reset();
  }

  void start(std::vector<std::string> extra) {
    stop_and_check();
    server_ = std::make_unique<example_server>(dir_, std::move(extra));
    ASSERT_NE(server_->port(), 0) << "first line: '" << server_->first_line() << "'\n"
                                  << server_->log();
    ASSERT_EQ(server_->first_line().rfind("listening on 127.0.0.1:", 0), 0u)
        << server_->first_line();
    host_key_ = parse_key(as_bytes(read_file(dir_ / "host_key.pub"))).value();
    write_file(dir_ / "known_hosts", "[127.0.0.1]:" + std::to_string(server_->port()) + " " +
                                         host_key_->public_ssh() + "\n");
  }

  // ssh's command line up to the destination: our key only, no agent, no prompts, and
  // this server's host key as the only one known.
  std::vector<std::string> ssh_argv(const std::vector<std::string>& options) const {
    std::vector<std::string> argv{"ssh",
                                  "-F",
                                  "/dev/null",
                                  "-p",
                                  std::to_string(server_->port()),
                                  "-i",
                                  (dir_ / "id").string(),
                                  "-o",
                                  "IdentitiesOnly=yes",
                                  "-o",
                                  "IdentityAgent=none",
                                  "-o",
                                  "BatchMode=yes",
                                  "-o",
                                  "StrictHostKeyChecking=yes",
                                  "-o",
                                  "UserKnownHostsFile=" + (dir_ / "known_hosts").string()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(user_name() + "@127.0.0.1");
    return argv;
  }

  bounded_result ssh(const std::vector<std::string>& options, const std::string& command,
                     const std::string& input = {},
                     std::optional<terminal_for_stdin> tty = std::nullopt) {
    auto argv = ssh_argv(options);
    argv.push_back(command);
    return run_bounded(argv, input, tty);
  }

  // Our client, connected and authenticated (by password unless a key is given).
  client_config client_settings(std::optional<secret_string> password) const {
    client_config c;
    c.username = user_name();
    if (password) {
      c.password = std::move(password);
    } else {
      c.private_key = user_key_;
    }
    const key expected = *host_key_;
    c.host_verifier = [expected](const host_key_info& info, auto done) {
      done(info.host_key.equals(expected));
    };
    return c;
  }

  boost::system::error_code connect(client& c, client_config config) {
    boost::system::error_code result = make_error_code(errc::timeout);
    bool done = false;
    c.async_connect("127.0.0.1", server_->port(), std::move(config),
                    [&](boost::system::error_code ec) {
                      result = ec;
                      done = true;
                    });
    EXPECT_TRUE(run_until(io_, [&] { return done; }));
    return result;
  }

  // Opens a session running `command` (with a terminal when `pty` is set).
  std::optional<channel> open_exec(client& c, const std::string& command,
                                   std::optional<pty_settings> pty = std::nullopt) {
    std::optional<channel> ch;
    bool done = false;
    c.async_exec(
        command,
        [&](boost::system::error_code ec, channel opened) {
          EXPECT_FALSE(ec) << ec.message();
          if (!ec) ch = opened;
          done = true;
        },
        std::move(pty));
    EXPECT_TRUE(run_until(io_, [&] { return done; }));
    return ch;
  }

  // Reads the channel's stdout until it contains `what` (or it ends).
  bool read_until(channel& ch, std::string& out, std::string_view what) {
    bool ended = false;
    while (out.find(what) == std::string::npos && !ended) {
      std::array<char, 4096> buf{};
      bool got = false;
      ch.async_read_some(boost::asio::buffer(buf),
                         [&](boost::system::error_code ec, std::size_t n) {
                           out.append(buf.data(), n);
                           ended = static_cast<bool>(ec);
                           got = true;
                         });
      if (!run_until(io_, [&] { return got; })) return false;
    }
    return out.find(what) != std::string::npos;
  }

  // Everything left on stdout, then waits for the channel to close.
  void finish(channel& ch, std::string& out) {
    bool read_done = false, closed = false;
    boost::asio::async_read(ch, boost::asio::dynamic_buffer(out),
                            [&](boost::system::error_code, std::size_t) { read_done = true; });
    ch.async_wait_closed([&](boost::system::error_code) { closed = true; });
    EXPECT_TRUE(run_until(io_, [&] { return read_done && closed; })) << out;
  }

  temp_dir dir_;
  std::optional<key> user_key_, host_key_;
  std::unique_ptr<example_server> server_;
  boost::asio::io_context io_;
};

}  // namespace sshlib::test
