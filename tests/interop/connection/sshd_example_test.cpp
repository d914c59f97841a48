// The sshlib-sshd example as a real server: started as a child process on port 0 (its first
// stdout line says where it listens), then driven by Debian's OpenSSH `ssh` and by our own
// client (password authentication, signals, window changes, EOF on a terminal). Every wait
// is bounded: child processes are polled with a deadline and killed when it passes.
#include "sshd_example_support.hpp"

#include <sshlib/terminal_modes.hpp>

#include <sys/syscall.h>

#include <cstring>
#include <random>

namespace sshlib::test {
namespace {

namespace asio = boost::asio;

class SshdExample : public sshd_example_fixture {};

TEST_F(SshdExample, ExecGivesOutputAndExitStatus) {
  const auto r = ssh({}, "echo hi; exit 7");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "hi\n") << r.err << server_->log();
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

TEST_F(SshdExample, StderrArrivesSeparately) {
  const auto r = ssh({}, "echo to-out; echo to-err >&2; exit 0");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(r.err, "to-err\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST_F(SshdExample, StdinThroughCatIsByteExact) {
  std::string input(4 * 1024 * 1024 + 17, '\0');
  std::mt19937 rng(4254);
  for (auto& c : input) c = static_cast<char>(rng());
  const auto r = ssh({}, "cat", input);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.size(), input.size());
  const auto local = run_bounded({"sha256sum"}, input);
  const auto remote = run_bounded({"sha256sum"}, r.out);
  EXPECT_EQ(remote.out, local.out);
}

TEST_F(SshdExample, TerminalHasTheClientsSizeAndModes) {
  // ssh -tt copies its stdin terminal's size and modes into the pty-req.
  const auto r = ssh({"-tt"}, "tty; stty size; stty -a", {}, terminal_for_stdin{43, 132, 2});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("/dev/pts/"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("43 132\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intr = ^B"), std::string::npos) << r.out;  // VINTR from the terminal modes
}

TEST_F(SshdExample, KilledCommandIsReportedAsExitSignal) {
  // OpenSSH 9.2's ssh does not act on exit-signal (it logs the request and, having no exit
  // status, exits 255 without a message); our client shows the signal itself.
  const auto r = ssh({"-v"}, "kill -TERM $$");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("rtype exit-signal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Exit status -1"), std::string::npos) << r.err;

  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "kill -TERM $$");
  ASSERT_TRUE(ch);
  std::string out;
  finish(*ch, out);
  EXPECT_EQ(ch->exit_status().signal, "TERM");
  EXPECT_FALSE(ch->exit_status().core_dumped);
  EXPECT_FALSE(ch->exit_status().code.has_value());
  c.end();
}

TEST_F(SshdExample, OnlyAllowedEnvironmentVariablesArrive) {
  const auto r = ssh({"-o", "SetEnv=LANG=C.UTF-8 SSHLIB_NOT_ALLOWED=x LC_TIME=C"},
                     "echo \"[$LANG][$SSHLIB_NOT_ALLOWED][$LC_TIME]\"");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "[C.UTF-8][][C]\n") << r.err;
}

TEST_F(SshdExample, SftpSubsystemIsRefusedWithAMessage) {
  const auto r = ssh({"-s"}, "sftp");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("the sftp subsystem is off (no --sftp-root)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("subsystem request failed"), std::string::npos) << r.err;
}

TEST_F(SshdExample, UnknownKeyIsRefused) {
  const key other = generate_key(key_type::ed25519).value();
  write_file(dir_ / "id", other.private_openssh().value().view());
  const auto r = ssh({}, "true");
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST_F(SshdExample, PasswordLogsInOurClient) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(secret_string("correct horse"))));
  auto ch = open_exec(c, "echo \"password ok as $USER\"");
  ASSERT_TRUE(ch);
  std::string out;
  finish(*ch, out);
  EXPECT_EQ(out, "password ok as " + user_name() + "\n");
  EXPECT_EQ(ch->exit_status().code, 0u);
  c.end();

  client wrong(io_.get_executor());
  EXPECT_EQ(connect(wrong, client_settings(secret_string("correct horse battery"))),
            make_error_code(errc::authentication_failed));
}

TEST_F(SshdExample, SignalRequestReachesTheCommand) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch =
      open_exec(c, "trap 'echo got-usr1; exit 3' USR1; echo ready; while :; do sleep 1; done");
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "ready\n")) << out;
  ch->signal("USR1");
  finish(*ch, out);
  EXPECT_EQ(out, "ready\ngot-usr1\n");
  EXPECT_EQ(ch->exit_status().code, 3u);
  c.end();
}

TEST_F(SshdExample, WindowChangeResizesTheTerminal) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  pty_settings pty;
  pty.rows = 24;
  pty.cols = 80;
  pty.modes = encode_terminal_modes({{terminal_opcode::echo, 0}});
  auto ch = open_exec(c, "stty size; read line; stty size", pty);
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "24 80\r\n")) << out;
  ch->window_change(50, 100);
  asio::async_write(*ch, asio::buffer(std::string_view("go\n")),
                    [](boost::system::error_code, std::size_t) {});
  finish(*ch, out);
  EXPECT_EQ(out, "24 80\r\n50 100\r\n");  // ECHO off: "go" is not echoed
  EXPECT_EQ(ch->exit_status().code, 0u);
  c.end();
}

TEST_F(SshdExample, EofOnATerminalTypesTheEofCharacter) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "cat; echo cat-ended", pty_settings{});
  ASSERT_TRUE(ch);
  // A partial line: the server types VEOF twice (one ends the line, one is EOF).
  bool written = false;
  asio::async_write(*ch, asio::buffer(std::string_view("first\nsecond")),
                    [&](boost::system::error_code, std::size_t) {
                      ch->send_eof();
                      written = true;
                    });
  ASSERT_TRUE(run_until(io_, [&] { return written; }));
  std::string out;
  finish(*ch, out);
  EXPECT_NE(out.find("cat-ended"), std::string::npos) << out;
  EXPECT_EQ(ch->exit_status().code, 0u) << out;
  c.end();
}

TEST_F(SshdExample, DroppedConnectionHangsUpTheCommand) {
  client c(io_.get_executor());
  ASSERT_FALSE(connect(c, client_settings(std::nullopt)));
  auto ch = open_exec(c, "echo $$; exec sleep 1000");
  ASSERT_TRUE(ch);
  std::string out;
  ASSERT_TRUE(read_until(*ch, out, "\n")) << out;
  const pid_t remote = static_cast<pid_t>(std::stol(out));
  // A pidfd becomes readable when the process ends (it is not our child, so no waitpid).
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, remote, 0));
  ASSERT_GE(pidfd, 0) << "pidfd_open(" << remote << "): " << std::strerror(errno);
  // Ends the connection; the channel learns it once our side has closed the socket.
  bool closed = false;
  ch->async_wait_closed([&](boost::system::error_code) { closed = true; });
  c.end();
  ASSERT_TRUE(run_until(io_, [&] { return closed; }));
  pollfd p{pidfd, POLLIN, 0};
  const int ready =
      ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(process_timeout).count()));
  ::close(pidfd);
  EXPECT_EQ(ready, 1) << "the command outlived its connection";
}

TEST_F(SshdExample, WorkerThreadsServeConcurrentConnections) {
  start({"--threads", "3"});
  // Four clients at once, each with a session open until all have connected.
  std::vector<std::unique_ptr<client>> clients;
  std::vector<channel> channels;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<client>(io_.get_executor()));
    ASSERT_FALSE(connect(*clients.back(), client_settings(std::nullopt)));
    auto ch = open_exec(*clients.back(), "read x; echo \"$x done\"");
    ASSERT_TRUE(ch);
    channels.push_back(*ch);
  }
  for (int i = 0; i < 4; ++i) {
    auto text = std::make_shared<std::string>("client" + std::to_string(i) + "\n");
    asio::async_write(channels[i], asio::buffer(*text),
                      [text](boost::system::error_code, std::size_t) {});
  }
  for (int i = 0; i < 4; ++i) {
    std::string out;
    finish(channels[i], out);
    EXPECT_EQ(out, "client" + std::to_string(i) + " done\n");
    clients[i]->end();
  }
}

}  // namespace
}  // namespace sshlib::test
