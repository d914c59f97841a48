#include <bastion/recording/writers.hpp>

#include "recording_test_support.hpp"

#include <bastion/recording/base64_decode.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <fstream>

namespace bastion::recording {
namespace {

namespace fs = std::filesystem;

class RecordingWriters : public ::testing::Test {
 protected:
  session_info info(std::string kind = "shell") const {
    session_info i;
    i.session = "20261202T104018Z-5f3a9c01";
    i.channel = 1;
    i.user = "alice";
    i.target = "web1";
    i.login = "root";
    i.source = "127.0.0.1";
    i.kind = std::move(kind);
    i.started_unix = 1796206818;
    i.width = 100;
    i.height = 30;
    i.term = "xterm-256color";
    i.stream_limit = 10;
    return i;
  }

  std::vector<nlohmann::json> lines(const fs::path& p) const {
    std::ifstream in(p);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  static std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

  static std::string unbase64(const std::string& s) {
    return decode_base64(s).value();  // the library's strict decoder; throws if invalid
  }

  testing::temp_dir tmp_;
  const fs::path& dir_ = tmp_.path();
};

TEST_F(RecordingWriters, TerminalRecordingIsAsciicastV2) {
  terminal_writer w(dir_, info());
  ASSERT_TRUE(w.opened()) << w.error().message();
  w.output(bytes("$ "));
  w.input(bytes("ls\r"));
  w.resize(120, 40);
  w.output(bytes("a\xE2\x82"));  // split euro sign
  w.output(bytes("\xAC\r\n"));
  ASSERT_TRUE(w.finish());

  const auto path = dir_ / "20261202T104018Z-5f3a9c01.1.cast";
  const auto l = lines(path);
  ASSERT_EQ(l.size(), 6u);
  EXPECT_EQ(l[0]["version"], 2);
  EXPECT_EQ(l[0]["width"], 100);
  EXPECT_EQ(l[0]["height"], 30);
  EXPECT_EQ(l[0]["timestamp"], 1796206818);
  EXPECT_EQ(l[0]["env"]["TERM"], "xterm-256color");
  EXPECT_EQ(l[0]["title"], "alice@web1 as root");
  EXPECT_EQ(l[0]["bastion"]["format"], "bastion-terminal");
  EXPECT_EQ(l[0]["bastion"]["session"], "20261202T104018Z-5f3a9c01");
  EXPECT_EQ(l[0]["bastion"]["input_recorded"], true);
  EXPECT_EQ(l[1][1], "o");
  EXPECT_EQ(l[1][2], "$ ");
  EXPECT_EQ(l[2][1], "i");
  EXPECT_EQ(l[2][2], "ls\r");
  EXPECT_EQ(l[3][1], "r");
  EXPECT_EQ(l[3][2], "120x40");
  EXPECT_EQ(l[4][2], "a");  // the split character waits for the rest
  EXPECT_EQ(l[5][2], "\xE2\x82\xAC\r\n");
  double last = -1;
  for (std::size_t i = 1; i < l.size(); ++i) {
    EXPECT_GE(l[i][0].get<double>(), last);
    last = l[i][0].get<double>();
  }

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RecordingWriters, InputIsLeftOutWhenTheRuleSaysSo) {
  auto i = info();
  i.input_recorded = false;
  terminal_writer w(dir_, i);
  w.input(bytes("secret\r"));
  w.output(bytes("ok"));
  ASSERT_TRUE(w.finish());
  const auto l = lines(dir_ / file_name(i, format::terminal));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0]["bastion"]["input_recorded"], false);
  EXPECT_EQ(l[1][1], "o");
}

TEST_F(RecordingWriters, StreamsAreByteExactCappedAndEndWithTheExit) {
  auto i = info("exec");
  i.command = "cat /bin/true";
  streams_writer w(dir_, i);
  ASSERT_TRUE(w.opened());
  const std::string binary("\x00\xFF\x80\n\x01", 5);
  w.data(streams_writer::stream::out, bytes(binary));
  w.data(streams_writer::stream::err, bytes("warning\n"));
  w.data(streams_writer::stream::out, bytes("123456789"));  // 5 + 9 > 10: cut after 5
  w.data(streams_writer::stream::out, bytes("more"));       // dropped
  w.data(streams_writer::stream::in, bytes("input"));
  w.exit_status(3);
  ASSERT_TRUE(w.finish());

  const auto l = lines(dir_ / "20261202T104018Z-5f3a9c01.1.streams");
  ASSERT_EQ(l.size(), 7u);
  EXPECT_EQ(l[0]["format"], "bastion-streams");
  EXPECT_EQ(l[0]["version"], 1);
  EXPECT_EQ(l[0]["command"], "cat /bin/true");
  EXPECT_EQ(l[0]["stream_limit"], 10);
  EXPECT_EQ(l[1][1], "o");
  EXPECT_EQ(unbase64(l[1][2]), binary);
  EXPECT_EQ(l[2][1], "e");
  EXPECT_EQ(unbase64(l[2][2]), "warning\n");
  EXPECT_EQ(unbase64(l[3][2]), "12345");
  EXPECT_EQ(l[4][1], "cut");
  EXPECT_EQ(l[4][2], "o");
  EXPECT_EQ(l[5][1], "i");
  EXPECT_EQ(l[6][1], "exit");
  EXPECT_EQ(l[6][2]["status"], 3);
}

TEST_F(RecordingWriters, AnExistingFileOrSymlinkIsNeverWrittenThrough) {
  const auto i = info();
  const auto victim = dir_ / "victim";
  std::ofstream(victim) << "keep";
  fs::create_symlink(victim, dir_ / file_name(i, format::terminal));
  terminal_writer w(dir_, i);
  EXPECT_FALSE(w.opened());
  EXPECT_TRUE(w.failed());
  std::ifstream in(victim);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "keep");
}

TEST_F(RecordingWriters, AWriteErrorIsKeptAndStopsWriting) {
  // A file size limit in a child process: write(2) fails with EFBIG (SIGXFSZ ignored, as
  // the daemon does), and the writer reports it from then on.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    terminal_writer w(dir_, info());
    const std::vector<std::uint8_t> chunk(1000, 'x');
    for (int k = 0; k < 10; ++k) w.output(chunk);
    const bool flushed = w.flush();
    const bool efbig = w.error() == std::errc::file_too_large;
    w.output(chunk);
    const bool still_failed = !w.flush() && w.failed();
    ::_exit(!flushed && efbig && still_failed ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LE(fs::file_size(dir_ / file_name(info(), format::terminal)), 4096u);
}

TEST_F(RecordingWriters, BufferedEventsReachTheFileOnFlushOnly) {
  terminal_writer w(dir_, info());
  const auto path = dir_ / file_name(info(), format::terminal);
  w.output(bytes("hello"));
  EXPECT_EQ(fs::file_size(path), 0u) << "nothing written before the flush";
  ASSERT_TRUE(w.flush());
  EXPECT_EQ(lines(path).size(), 2u);
  // Over the threshold, a write happens without waiting for the flush.
  const std::vector<std::uint8_t> big(recording_file::flush_threshold, 'y');
  w.output(big);
  EXPECT_GT(fs::file_size(path), recording_file::flush_threshold);
}

}  // namespace
}  // namespace bastion::recording
