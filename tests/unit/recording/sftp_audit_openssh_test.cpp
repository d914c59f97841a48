// The SFTP audit between a client driven from sshlib's encoders and OpenSSH's real
// sftp-server (started with pipes; it speaks SFTP on stdin and stdout) working on a
// temporary directory: the audit sees the requests as sent and the replies in the pieces
// read() returned, and its events must match what happened on disk.
#include "bastion/recording/sftp_audit.hpp"
#include "recording_test_support.hpp"

#include "sftp/sftp_codec.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

using bastion::recording::sftp_audit;
using nlohmann::json;
using sshlib::bytes;
namespace p = sshlib::sftp::protocol;
using sshlib::sftp::open_mode;
using sshlib::sftp::status_code;

constexpr const char* sftp_server_path = "/usr/lib/openssh/sftp-server";

class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~unique_fd() { reset(); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// sftp-server with its stdin and stdout on pipes; reaped when destroyed.
class sftp_server_process {
 public:
  sftp_server_process() {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2");
    }
    unique_fd in_read(in[0]), out_write(out[1]);
    to_server_.reset(in[1]);
    from_server_.reset(out[0]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    char* argv[] = {const_cast<char*>(sftp_server_path), nullptr};
    const int rc = ::posix_spawn(&pid_, sftp_server_path, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("posix_spawn sftp-server");
  }
  ~sftp_server_process() {
    to_server_.reset();  // EOF: the server exits
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  sftp_server_process(const sftp_server_process&) = delete;
  sftp_server_process& operator=(const sftp_server_process&) = delete;

  void send(const bytes& b) {
    std::size_t at = 0;
    while (at < b.size()) {
      const ssize_t n = ::write(to_server_.get(), b.data() + at, b.size() - at);
      if (n <= 0) throw std::runtime_error("write to sftp-server");
      at += static_cast<std::size_t>(n);
    }
  }
  // What one read() gives, waiting at most 10 s.
  bytes read_some() {
    pollfd pfd{from_server_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 10000) != 1) throw std::runtime_error("sftp-server silent for 10 s");
    bytes buf(64 * 1024);
    const ssize_t n = ::read(from_server_.get(), buf.data(), buf.size());
    if (n <= 0) throw std::runtime_error("sftp-server closed its output");
    buf.resize(static_cast<std::size_t>(n));
    return buf;
  }

 private:
  pid_t pid_ = -1;
  unique_fd to_server_, from_server_;
};

// A client that shows the audit everything it sends and receives.
class audited_client {
 public:
  explicit audited_client(sftp_audit& audit) : audit_(audit) {}

  void send(const p::request& r) {
    const bytes b = p::encode_request(r).value();
    audit_.from_client(b);
    server_.send(b);
  }
  p::response receive() {
    for (;;) {
      if (buffer_.size() >= 4) {
        const std::size_t n = p::decode_frame_header(sshlib::byte_view(buffer_).first(4)).value();
        if (buffer_.size() >= 4 + n) {
          auto reply = p::decode_response(sshlib::byte_view(buffer_).subspan(4, n)).value();
          buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(4 + n));
          return reply;
        }
      }
      const bytes piece = server_.read_some();
      audit_.from_server(piece);
      buffer_.insert(buffer_.end(), piece.begin(), piece.end());
    }
  }
  p::response call(const p::request& r) {
    send(r);
    return receive();
  }

 private:
  sftp_audit& audit_;
  sftp_server_process server_;
  bytes buffer_;
};

using bastion::recording::testing::sha256_hex;

bytes handle_of(const p::response& r) {
  return std::get<p::handle_response>(r).handle;
}

TEST(SftpAuditOpenSsh, UploadDownloadAndFileOperationsAgainstSftpServer) {
  if (!std::filesystem::exists(sftp_server_path)) GTEST_SKIP() << "no " << sftp_server_path;
  bastion::recording::testing::temp_dir dir;
  auto in_dir = [&](const char* name) { return (dir / name).string(); };
  std::vector<std::pair<std::string, json>> events;
  sftp_audit audit([&](std::string_view op, json f) { events.emplace_back(op, std::move(f)); });
  audited_client c(audit);

  ASSERT_TRUE(std::holds_alternative<p::version_response>(c.call(p::init_request{3, {}})));

  // Upload: 300 KiB in 32 KiB WRITEs, eight in flight, as OpenSSH's sftp pipelines them.
  bytes data(300 * 1024 + 77);
  std::mt19937 rng(5);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  constexpr std::size_t block = 32 * 1024;
  p::open_request open{
      1, in_dir("up.bin"), open_mode::write | open_mode::create | open_mode::truncate, {}};
  open.attrs.permissions = 0640;
  const bytes up = handle_of(c.call(open));
  std::uint32_t id = 100, answered = 100;
  for (std::size_t at = 0; at < data.size(); at += block) {
    const std::size_t n = std::min(block, data.size() - at);
    c.send(p::write_request{id++, up, at, bytes(data.begin() + at, data.begin() + at + n)});
    if (id - answered == 8) {
      c.receive();
      ++answered;
    }
  }
  for (; answered < id; ++answered) c.receive();
  c.call(p::close_request{2, up});

  // Download: READs of 32 KiB, eight in flight, until EOF.
  const bytes down = handle_of(c.call(p::open_request{3, in_dir("up.bin"), open_mode::read, {}}));
  std::uint64_t offset = 0;
  for (int i = 0; i < 8; ++i, offset += block) {
    c.send(p::read_request{id++, down, offset, static_cast<std::uint32_t>(block)});
  }
  bytes got;
  for (int outstanding = 8; outstanding > 0; --outstanding) {
    const auto reply = c.receive();
    if (const auto* d = std::get_if<p::data_response>(&reply)) {
      got.insert(got.end(), d->data.begin(), d->data.end());
      c.send(p::read_request{id++, down, offset, static_cast<std::uint32_t>(block)});
      offset += block;
      ++outstanding;
    }
  }
  c.call(p::close_request{4, down});
  ASSERT_EQ(got, data);

  // File operations, one failing. SYMLINK in OpenSSH's order: target, then link.
  c.call(p::rename_request{5, in_dir("up.bin"), in_dir("moved.bin")});
  c.call(p::remove_request{6, in_dir("missing")});
  c.call(p::mkdir_request{7, in_dir("d"), {}});
  c.call(p::symlink_request{8, in_dir("moved.bin"), in_dir("link")});
  c.call(p::posix_rename_request{9, in_dir("link"), in_dir("link2")});
  c.call(p::rmdir_request{10, in_dir("d")});
  audit.end();

  ASSERT_FALSE(audit.stopped()) << audit.stop_reason();
  EXPECT_EQ(std::filesystem::read_symlink(in_dir("link2")), in_dir("moved.bin"));
  std::vector<std::string> ops;
  for (const auto& [op, f] : events) ops.push_back(op);
  ASSERT_EQ(ops, (std::vector<std::string>{"session", "open", "close", "open", "close", "rename",
                                           "remove", "mkdir", "symlink", "rename", "rmdir"}));
  EXPECT_EQ(events[0].second["version"], 3);
  EXPECT_EQ(events[1].second["permissions"], "0640");
  EXPECT_EQ(events[2].second["bytes_written"], data.size());
  EXPECT_EQ(events[2].second["sha256"], sha256_hex(data));
  EXPECT_EQ(events[4].second["bytes_read"], data.size());
  EXPECT_EQ(events[4].second["sha256"], sha256_hex(data));
  EXPECT_EQ(events[6].second["result"], "no_such_file");
  EXPECT_EQ(events[8].second["link"], in_dir("link"));
  EXPECT_EQ(events[8].second["target"], in_dir("moved.bin"));
  EXPECT_EQ(events[9].second["extension"], "posix-rename@openssh.com");
  for (std::size_t i : {5, 7, 8, 9, 10}) EXPECT_EQ(events[i].second["result"], "ok") << i;
}

}  // namespace
