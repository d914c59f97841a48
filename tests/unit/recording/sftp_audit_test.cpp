// The SFTP audit on streams built with sshlib's SFTP encoders: each scenario is played in
// several chunkings (1 byte, small and large random pieces, whole) and must give the same
// events; SHA-256 values are checked against OpenSSL's one-shot digest of the same data.
#include "bastion/recording/sftp_audit.hpp"
#include "recording_test_support.hpp"

#include "sftp/sftp_codec.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using bastion::recording::sftp_audit;
using bastion::recording::sftp_audit_limits;
using nlohmann::json;
using sshlib::bytes;
namespace p = sshlib::sftp::protocol;
using sshlib::sftp::open_mode;
using sshlib::sftp::status_code;

struct event {
  std::string op;
  json fields;
};

enum class direction { client, server };

// One step of a conversation: bytes one side sent.
struct step {
  direction from;
  bytes data;
};

step client(const p::request& r) {
  return {direction::client, p::encode_request(r).value()};
}
step server(const p::response& r) {
  return {direction::server, p::encode_response(r).value()};
}
step client_raw(bytes b) {
  return {direction::client, std::move(b)};
}
step server_raw(bytes b) {
  return {direction::server, std::move(b)};
}

// How the bytes are cut: 0 = each run of steps from one side whole, else pieces of
// 1..max_chunk bytes.
struct chunking {
  std::size_t max_chunk;
  const char* name;
};
constexpr chunking chunkings[] = {
    {0, "whole"}, {1, "1-byte"}, {7, "up to 7"}, {100, "up to 100"}, {70000, "up to 70000"}};

class recorder {
 public:
  explicit recorder(sftp_audit_limits limits = {})
      : audit_(
            [this](std::string_view op, json f) {
              events_.push_back({std::string(op), f});
            },
            limits) {}

  // Plays the steps in order; consecutive steps from one side are joined first, so chunks
  // straddle packet boundaries.
  void play(const std::vector<step>& steps, const chunking& c, unsigned seed = 1) {
    std::mt19937 rng(seed);
    for (std::size_t i = 0; i < steps.size();) {
      bytes run;
      const direction from = steps[i].from;
      for (; i < steps.size() && steps[i].from == from; ++i) {
        run.insert(run.end(), steps[i].data.begin(), steps[i].data.end());
      }
      feed(from, run, c, rng);
    }
  }

  void end() { audit_.end(); }
  sftp_audit& audit() { return audit_; }
  const std::vector<event>& events() const { return events_; }
  std::vector<event> named(std::string_view op) const {
    std::vector<event> out;
    for (const auto& e : events_) {
      if (e.op == op) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> ops() const {
    std::vector<std::string> out;
    for (const auto& e : events_) out.push_back(e.op);
    return out;
  }

 private:
  void feed(direction from, const bytes& run, const chunking& c, std::mt19937& rng) {
    std::size_t at = 0;
    while (at < run.size()) {
      std::size_t n = run.size() - at;
      if (c.max_chunk != 0) {
        n = std::min(n, std::uniform_int_distribution<std::size_t>(1, c.max_chunk)(rng));
      }
      const std::span<const std::uint8_t> piece(run.data() + at, n);
      if (from == direction::client) {
        audit_.from_client(piece);
      } else {
        audit_.from_server(piece);
      }
      at += n;
    }
  }

  std::vector<event> events_;
  sftp_audit audit_;
};

using bastion::recording::testing::sha256_hex;

bytes random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

bytes slice(const bytes& b, std::size_t from, std::size_t n) {
  return bytes(b.begin() + static_cast<std::ptrdiff_t>(from),
               b.begin() + static_cast<std::ptrdiff_t>(std::min(from + n, b.size())));
}

const bytes handle_a = {0, 0, 0, 0};
const bytes handle_b = {0, 0, 0, 1};

std::vector<step> handshake() {
  p::version_response version;
  version.extensions = {{"posix-rename@openssh.com", "1"}, {"hardlink@openssh.com", "1"}};
  return {client(p::init_request{3, {}}), server(version)};
}

std::vector<step> with_handshake(std::vector<step> rest) {
  auto steps = handshake();
  steps.insert(steps.end(), std::make_move_iterator(rest.begin()),
               std::make_move_iterator(rest.end()));
  return steps;
}

p::status_response status(std::uint32_t id, status_code code = status_code::ok,
                          std::string message = {}) {
  return p::status_response{id, code, std::move(message), "en"};
}

// An upload of `data` in WRITEs of `block` bytes, all sent before any answer (as OpenSSH's
// sftp does with its requests in flight), answered `answer`.
std::vector<step> upload(const bytes& data, std::size_t block,
                         status_code answer = status_code::ok) {
  p::open_request open{
      1, "/srv/up.bin", open_mode::write | open_mode::create | open_mode::truncate, {}};
  open.attrs.permissions = 0100644;
  std::vector<step> steps = {client(open), server(p::handle_response{1, handle_a})};
  std::uint32_t id = 10;
  for (std::size_t at = 0; at < data.size(); at += block) {
    steps.push_back(client(p::write_request{id++, handle_a, at, slice(data, at, block)}));
  }
  for (std::uint32_t i = 10; i < id; ++i) steps.push_back(server(status(i, answer)));
  steps.push_back(client(p::close_request{2, handle_a}));
  steps.push_back(server(status(2)));
  return steps;
}

TEST(SftpAudit, SessionReportsVersionAndExtensions) {
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(handshake(), c);
    ASSERT_EQ(r.events().size(), 1u);
    EXPECT_EQ(r.events()[0].op, "session");
    EXPECT_EQ(r.events()[0].fields["version"], 3);
    EXPECT_EQ(r.events()[0].fields["extensions"],
              json({"posix-rename@openssh.com", "hardlink@openssh.com"}));
    EXPECT_FALSE(r.audit().stopped());
  }
}

TEST(SftpAudit, UploadReportsOpenAndCloseWithTheFilesSha256) {
  const bytes data = random_bytes(3 * 32768 + 123, 7);
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(with_handshake(upload(data, 32768)), c);
    ASSERT_EQ(r.ops(), (std::vector<std::string>{"session", "open", "close"}))
        << r.audit().stop_reason();
    const json& open = r.events()[1].fields;
    EXPECT_EQ(open["path"], "/srv/up.bin");
    EXPECT_EQ(open["flags"], json({"write", "creat", "trunc"}));
    EXPECT_EQ(open["permissions"], "0644");
    EXPECT_EQ(open["result"], "ok");
    const json& close = r.events()[2].fields;
    EXPECT_EQ(close["path"], "/srv/up.bin");
    EXPECT_EQ(close["kind"], "file");
    EXPECT_EQ(close["closed"], true);
    EXPECT_EQ(close["result"], "ok");
    EXPECT_EQ(close["bytes_written"], data.size());
    EXPECT_EQ(close["write_ops"], 4);
    EXPECT_EQ(close["bytes_read"], 0);
    EXPECT_EQ(close["whole"], true);
    EXPECT_EQ(close["sha256"], sha256_hex(data));
    EXPECT_FALSE(r.audit().stopped());
  }
}

TEST(SftpAudit, EmptyUploadHashesNothing) {
  recorder r;
  r.play(with_handshake(upload({}, 32768)), chunkings[0]);
  ASSERT_EQ(r.named("close").size(), 1u);
  EXPECT_EQ(r.named("close")[0].fields["sha256"], sha256_hex({}));
}

TEST(SftpAudit, UploadWithAFailedWriteHasNoSha256) {
  const bytes data = random_bytes(70000, 8);
  recorder r;
  r.play(with_handshake(upload(data, 32768, status_code::failure)), chunkings[2]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["bytes_written"], 0);
  EXPECT_EQ(close[0].fields["whole"], false);
  EXPECT_FALSE(close[0].fields.contains("sha256"));
}

TEST(SftpAudit, UploadOutOfOrderHasNoSha256) {
  const bytes data = random_bytes(3000, 9);
  std::vector<step> steps = {
      client(
          p::open_request{1, "f", open_mode::write | open_mode::create | open_mode::truncate, {}}),
      server(p::handle_response{1, handle_a}),
      client(p::write_request{3, handle_a, 1000, slice(data, 1000, 2000)}),
      client(p::write_request{4, handle_a, 0, slice(data, 0, 1000)}),
      server(status(3)),
      server(status(4)),
      client(p::close_request{5, handle_a}),
      server(status(5))};
  recorder r;
  r.play(with_handshake(steps), chunkings[1]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["bytes_written"], 3000);
  EXPECT_EQ(close[0].fields["write_ops"], 2);
  EXPECT_EQ(close[0].fields["whole"], false);
  EXPECT_FALSE(close[0].fields.contains("sha256"));
}

TEST(SftpAudit, UploadWithoutTruncateIsNotWhole) {
  // An existing file written from 0 may keep a tail the audit never saw.
  const bytes data = random_bytes(100, 10);
  std::vector<step> steps = {client(p::open_request{1, "f", open_mode::write, {}}),
                             server(p::handle_response{1, handle_a}),
                             client(p::write_request{2, handle_a, 0, data}),
                             server(status(2)),
                             client(p::close_request{3, handle_a}),
                             server(status(3))};
  recorder r;
  r.play(with_handshake(steps), chunkings[0]);
  EXPECT_EQ(r.named("close").at(0).fields["whole"], false);
}

// A download of `data` with READs of `block` bytes, all sent first; `order` gives the order
// of the answers by READ index (DATA, or EOF past the end).
std::vector<step> download(const bytes& data, std::size_t block, std::vector<std::size_t> order) {
  std::vector<step> steps = {client(p::open_request{1, "/srv/down.bin", open_mode::read, {}}),
                             server(p::handle_response{1, handle_b})};
  for (std::size_t i = 0; i < order.size(); ++i) {
    steps.push_back(client(p::read_request{static_cast<std::uint32_t>(100 + i), handle_b, i * block,
                                           static_cast<std::uint32_t>(block)}));
  }
  for (const std::size_t i : order) {
    const auto id = static_cast<std::uint32_t>(100 + i);
    if (i * block >= data.size()) {
      steps.push_back(server(status(id, status_code::eof, "EOF")));
    } else {
      steps.push_back(server(p::data_response{id, slice(data, i * block, block)}));
    }
  }
  steps.push_back(client(p::close_request{2, handle_b}));
  steps.push_back(server(status(2)));
  return steps;
}

TEST(SftpAudit, DownloadAnsweredInOrderHasTheFilesSha256) {
  const bytes data = random_bytes(3 * 32768 + 5, 11);
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(with_handshake(download(data, 32768, {0, 1, 2, 3, 4})), c);
    EXPECT_EQ(r.ops(), (std::vector<std::string>{"session", "open", "close"}));
    EXPECT_EQ(r.events()[1].fields["flags"], json({"read"}));
    const json& close = r.events()[2].fields;
    EXPECT_EQ(close["path"], "/srv/down.bin");
    EXPECT_EQ(close["bytes_read"], data.size());
    EXPECT_EQ(close["read_ops"], 4);
    EXPECT_EQ(close["bytes_written"], 0);
    EXPECT_EQ(close["whole"], true);
    EXPECT_EQ(close["sha256"], sha256_hex(data));
  }
}

TEST(SftpAudit, DownloadAnsweredOutOfOrderHasTheFilesSha256) {
  const bytes data = random_bytes(4 * 1000 + 10, 12);
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(with_handshake(download(data, 1000, {2, 5, 1, 4, 0, 3})), c);
    const auto close = r.named("close");
    ASSERT_EQ(close.size(), 1u);
    EXPECT_EQ(close[0].fields["bytes_read"], data.size());
    EXPECT_EQ(close[0].fields["whole"], true);
    EXPECT_EQ(close[0].fields["sha256"], sha256_hex(data));
  }
}

TEST(SftpAudit, DownloadWithAShortReadAskedAgainIsWhole) {
  // OpenSSH's sftp asks again for the rest of a short DATA; the later block waits meanwhile.
  const bytes data = random_bytes(3000, 13);
  std::vector<step> steps = {client(p::open_request{1, "f", open_mode::read, {}}),
                             server(p::handle_response{1, handle_a}),
                             client(p::read_request{2, handle_a, 0, 2000}),
                             client(p::read_request{3, handle_a, 2000, 2000}),
                             client(p::read_request{4, handle_a, 4000, 2000}),
                             server(p::data_response{2, slice(data, 0, 500)}),
                             server(p::data_response{3, slice(data, 2000, 1000)}),
                             server(status(4, status_code::eof)),
                             client(p::read_request{5, handle_a, 500, 1500}),
                             server(p::data_response{5, slice(data, 500, 1500)}),
                             client(p::read_request{6, handle_a, 3000, 2000}),
                             server(status(6, status_code::eof)),
                             client(p::close_request{7, handle_a}),
                             server(status(7))};
  recorder r;
  r.play(with_handshake(steps), chunkings[3]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["bytes_read"], 3000);
  EXPECT_EQ(close[0].fields["read_ops"], 3);
  EXPECT_EQ(close[0].fields["sha256"], sha256_hex(data));
}

TEST(SftpAudit, PartialDownloadHasNoSha256) {
  const bytes data = random_bytes(5000, 14);
  // Three blocks read of a longer file, no EOF: not the whole file.
  auto steps = download(data, 1000, {0, 1, 2});
  recorder r;
  r.play(with_handshake(steps), chunkings[2]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["bytes_read"], 3000);
  EXPECT_EQ(close[0].fields["read_ops"], 3);
  EXPECT_EQ(close[0].fields["whole"], false);
  EXPECT_FALSE(close[0].fields.contains("sha256"));
}

TEST(SftpAudit, DownloadHeldBeyondItsBudgetGivesUpTheHashOnly) {
  const bytes data = random_bytes(4000, 15);
  sftp_audit_limits limits;
  limits.max_held_read_bytes = 1500;  // the first reply's lateness needs 3000 held
  recorder r(limits);
  r.play(with_handshake(download(data, 1000, {1, 2, 3, 0, 4})), chunkings[0]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["bytes_read"], 4000);
  EXPECT_EQ(close[0].fields["whole"], false);
  EXPECT_FALSE(close[0].fields.contains("sha256"));
  EXPECT_FALSE(r.audit().stopped());
}

TEST(SftpAudit, HashingCanBeTurnedOff) {
  const bytes data = random_bytes(2000, 16);
  sftp_audit_limits limits;
  limits.hash_files = false;
  recorder r(limits);
  r.play(with_handshake(download(data, 1000, {0, 1, 2})), chunkings[0]);
  const auto close = r.named("close");
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].fields["whole"], true);
  EXPECT_FALSE(close[0].fields.contains("sha256"));
}

TEST(SftpAudit, FileOperationsReportPathsAndResults) {
  p::setstat_request setstat{20, "/srv/a", {}};
  setstat.attrs.size = 10;
  setstat.attrs.permissions = 0600;
  setstat.attrs.atime = 1;
  setstat.attrs.mtime = 2;
  p::mkdir_request mkdir{21, "/srv/d", {}};
  mkdir.attrs.permissions = 040755;
  std::vector<step> steps = {
      client(p::rename_request{10, "/srv/a", "/srv/b"}),
      client(p::remove_request{11, "/srv/missing"}),
      client(setstat),
      client(mkdir),
      client(p::rmdir_request{22, "/srv/d"}),
      client(p::symlink_request{23, "/srv/target", "/srv/link"}),  // OpenSSH order
      client(p::posix_rename_request{24, "/srv/b", "/srv/c"}),
      client(p::hardlink_request{25, "/srv/c", "/srv/h"}),
      client(p::realpath_request{26, "."}),
      client(p::readlink_request{27, "/srv/link"}),
      client(p::stat_request{28, "/srv/c"}),
      client(p::statvfs_request{29, "/srv"}),
      client(p::extended_request{30, "example@vendor", {1, 2}}),
      server(status(10)),
      server(status(11, status_code::no_such_file, "No such file")),
      server(status(20)),
      server(status(21)),
      server(status(22, status_code::permission_denied, "Permission denied")),
      server(status(23)),
      server(status(24)),
      server(status(25)),
      server(p::name_response{26, {{"/home/alice", "", {}}}}),
      server(p::name_response{27, {{"/srv/target", "", {}}}}),
      server(p::attrs_response{28, {}}),
      server(p::extended_reply{29, bytes(88, 0)}),
      server(status(30, status_code::op_unsupported, "Unsupported")),
  };
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(with_handshake(steps), c);
    ASSERT_EQ(r.ops(),
              (std::vector<std::string>{"session", "rename", "remove", "setstat", "mkdir", "rmdir",
                                        "symlink", "rename", "hardlink", "realpath", "readlink",
                                        "stat", "statvfs", "extended"}));
    const auto& e = r.events();
    EXPECT_EQ(e[1].fields, json({{"from", "/srv/a"}, {"to", "/srv/b"}, {"result", "ok"}}));
    EXPECT_EQ(
        e[2].fields,
        json({{"path", "/srv/missing"}, {"result", "no_such_file"}, {"message", "No such file"}}));
    EXPECT_EQ(e[3].fields, json({{"path", "/srv/a"},
                                 {"size", 10},
                                 {"permissions", "0600"},
                                 {"atime", 1},
                                 {"mtime", 2},
                                 {"result", "ok"}}));
    EXPECT_EQ(e[4].fields, json({{"path", "/srv/d"}, {"permissions", "0755"}, {"result", "ok"}}));
    EXPECT_EQ(e[5].fields["result"], "permission_denied");
    EXPECT_EQ(e[5].fields["message"], "Permission denied");
    EXPECT_EQ(e[6].fields,
              json({{"link", "/srv/link"}, {"target", "/srv/target"}, {"result", "ok"}}));
    EXPECT_EQ(e[7].fields, json({{"from", "/srv/b"},
                                 {"to", "/srv/c"},
                                 {"extension", "posix-rename@openssh.com"},
                                 {"result", "ok"}}));
    EXPECT_EQ(e[8].fields["target"], "/srv/c");
    EXPECT_EQ(e[8].fields["link"], "/srv/h");
    EXPECT_EQ(e[9].fields["resolved"], "/home/alice");
    EXPECT_EQ(e[10].fields["target"], "/srv/target");
    EXPECT_EQ(e[11].fields, json({{"path", "/srv/c"}, {"result", "ok"}}));
    EXPECT_EQ(e[12].fields["path"], "/srv");
    EXPECT_EQ(e[12].fields["extension"], "statvfs@openssh.com");
    EXPECT_EQ(e[13].fields, json({{"extension", "example@vendor"},
                                  {"result", "op_unsupported"},
                                  {"message", "Unsupported"}}));
    EXPECT_FALSE(r.audit().stopped());
  }
}

TEST(SftpAudit, SymlinkInDraftOrderForANonOpenSshServer) {
  std::vector<step> steps = {client(p::init_request{3, {}}), server(p::version_response{3, {}}),
                             client(p::symlink_request{2, "/link", "/target"}), server(status(2))};
  recorder r;
  r.play(steps, chunkings[0]);
  ASSERT_EQ(r.named("symlink").size(), 1u);
  EXPECT_EQ(r.named("symlink")[0].fields["link"], "/link");
  EXPECT_EQ(r.named("symlink")[0].fields["target"], "/target");
}

TEST(SftpAudit, HandleOperationsNameTheFile) {
  p::fsetstat_request fsetstat{4, handle_a, {}};
  fsetstat.attrs.uid = 1000;
  fsetstat.attrs.gid = 100;
  std::vector<step> steps = {
      client(p::open_request{1, "/f", open_mode::read | open_mode::write, {}}),
      server(p::handle_response{1, handle_a}),
      client(p::fstat_request{3, handle_a}),
      client(fsetstat),
      client(p::fsync_request{5, handle_a}),
      server(p::attrs_response{3, {}}),
      server(status(4)),
      server(status(5))};
  recorder r;
  r.play(with_handshake(steps), chunkings[1]);
  EXPECT_EQ(r.named("fstat").at(0).fields["path"], "/f");
  EXPECT_EQ(r.named("fsetstat").at(0).fields,
            json({{"path", "/f"}, {"uid", 1000}, {"gid", 100}, {"result", "ok"}}));
  EXPECT_EQ(r.named("fsync").at(0).fields["path"], "/f");
  EXPECT_EQ(r.named("open").at(0).fields["flags"], json({"read", "write"}));
}

TEST(SftpAudit, FailedOpenReportsTheStatusAndNoHandle) {
  std::vector<step> steps = {
      client(p::open_request{1, "/secret", open_mode::read, {}}),
      server(status(1, status_code::permission_denied, "Permission denied"))};
  recorder r;
  r.play(with_handshake(steps), chunkings[0]);
  r.end();
  EXPECT_EQ(r.ops(), (std::vector<std::string>{"session", "open"}));
  EXPECT_EQ(r.events()[1].fields["result"], "permission_denied");
}

TEST(SftpAudit, DirectoryListingIsCountedOnItsClose) {
  std::vector<step> steps = {
      client(p::opendir_request{1, "/srv"}),
      server(p::handle_response{1, handle_b}),
      client(p::readdir_request{2, handle_b}),
      server(p::name_response{2, {{"a", "-rw", {}}, {"b", "-rw", {}}, {"c", "drw", {}}}}),
      client(p::readdir_request{3, handle_b}),
      server(status(3, status_code::eof)),
      client(p::close_request{4, handle_b}),
      server(status(4))};
  recorder r;
  r.play(with_handshake(steps), chunkings[3]);
  EXPECT_EQ(r.ops(), (std::vector<std::string>{"session", "opendir", "close"}));
  EXPECT_EQ(r.events()[1].fields, json({{"path", "/srv"}, {"result", "ok"}}));
  EXPECT_EQ(r.events()[2].fields, json({{"path", "/srv"},
                                        {"kind", "dir"},
                                        {"closed", true},
                                        {"result", "ok"},
                                        {"entries", 3},
                                        {"readdir_ops", 2}}));
}

TEST(SftpAudit, EndReportsUnclosedHandlesAndUnansweredRequests) {
  const bytes data = random_bytes(1000, 17);
  std::vector<step> steps = {
      client(p::open_request{
          1, "/up", open_mode::write | open_mode::create | open_mode::truncate, {}}),
      server(p::handle_response{1, handle_a}), client(p::write_request{2, handle_a, 0, data}),
      server(status(2)), client(p::rename_request{3, "/x", "/y"})};
  recorder r;
  r.play(with_handshake(steps), chunkings[2]);
  r.end();
  r.end();                                                                       // once only
  r.audit().from_client(p::encode_request(p::remove_request{9, "/z"}).value());  // ignored
  ASSERT_EQ(r.ops(), (std::vector<std::string>{"session", "open", "rename", "close"}));
  EXPECT_EQ(r.events()[2].fields["result"], "unanswered");
  const json& close = r.events()[3].fields;
  EXPECT_EQ(close["path"], "/up");
  EXPECT_EQ(close["closed"], false);
  EXPECT_EQ(close["bytes_written"], 1000);
  EXPECT_FALSE(close.contains("result"));
}

TEST(SftpAudit, NonUtf8PathsAreReplaced) {
  std::vector<step> steps = {client(p::remove_request{2,
                                                      "/srv/\xff\xfe"
                                                      "a\xc3\xa9"}),
                             server(status(2))};
  recorder r;
  r.play(with_handshake(steps), chunkings[0]);
  EXPECT_EQ(r.named("remove").at(0).fields["path"],
            "/srv/\xef\xbf\xbd\xef\xbf\xbd"
            "a\xc3\xa9");
}

TEST(SftpAudit, UnknownRequestTypeIsReportedAndDecodingGoesOn) {
  // A type version 3 lacks, with an id: the server refuses it by that id.
  std::vector<step> steps = {client_raw({0, 0, 0, 7, 50, 0, 0, 0, 9, 1, 2}),
                             server(status(9, status_code::op_unsupported)),
                             client(p::remove_request{10, "/a"}), server(status(10))};
  recorder r;
  r.play(with_handshake(steps), chunkings[1]);
  EXPECT_EQ(r.ops(), (std::vector<std::string>{"session", "unknown_request", "remove"}));
  EXPECT_EQ(r.events()[1].fields["type"], 50);
  EXPECT_EQ(r.events()[1].fields["result"], "op_unsupported");
}

TEST(SftpAudit, UnknownExtensionMayBeAnsweredByAnyReply) {
  std::vector<step> steps = {client(p::extended_request{2, "a@example", {}}),
                             client(p::extended_request{3, "b@example", {}}),
                             server(p::handle_response{2, handle_a}),
                             server(p::data_response{3, {1, 2, 3}}),
                             client(p::read_request{4, handle_a, 0, 10}),
                             server(status(4, status_code::failure))};
  recorder r;
  r.play(with_handshake(steps), chunkings[1]);
  EXPECT_EQ(r.ops(), (std::vector<std::string>{"session", "extended", "extended"}));
  EXPECT_EQ(r.events()[1].fields["extension"], "a@example");
  EXPECT_EQ(r.events()[2].fields["result"], "ok");
  EXPECT_FALSE(r.audit().stopped()) << r.audit().stop_reason();
  r.end();
  EXPECT_EQ(r.events().size(), 3u);  // the extension's handle is not a file the audit tracks
}

// Each malformed stream stops the audit with a reason containing `why`; the events before
// it stand and one audit_stopped follows, nothing else.
struct malformed_case {
  const char* name;
  std::vector<step> steps;
  const char* why;
  std::size_t events_before;  // events expected before audit_stopped
};

std::vector<malformed_case> malformed_cases() {
  bytes huge_write = {0, 0x10, 0, 0, 6};                       // a length of 1 MiB
  bytes bad_handle = {0, 0, 1, 0, 6, 0, 0, 0, 1, 0, 0, 2, 0};  // WRITE, handle of 512 bytes
  // DATA whose data length says 5 in a packet with room for 3.
  bytes short_data = {0, 0, 0, 12, 103, 0, 0, 0, 2, 0, 0, 0, 5, 1, 2, 3};
  // OPEN cut inside its path.
  bytes cut_open = {0, 0, 0, 11, 3, 0, 0, 0, 1, 0, 0, 0, 9, '/', 'e'};
  return {
      {"not sftp",
       {client_raw({'S', 'S', 'H', '-', '2', '.', '0', '-', 'x', '\r', '\n'})},
       "length exceeds limit",
       0},
      {"zero length", with_handshake({client_raw({0, 0, 0, 0})}), "length 0", 1},
      {"oversized write", with_handshake({client_raw(huge_write)}), "length exceeds limit", 1},
      {"write handle over cap", with_handshake({client_raw(bad_handle)}), "handle of 512", 1},
      {"request before init", {client(p::remove_request{1, "/a"})}, "before INIT", 0},
      {"second init", with_handshake({client(p::init_request{3, {}})}), "second SFTP INIT", 1},
      {"truncated open", with_handshake({client_raw(cut_open)}), "SFTP OPEN", 1},
      {"reply before version",
       {client(p::init_request{3, {}}), server(status(1))},
       "before VERSION",
       0},
      {"version 6",
       {client(p::init_request{6, {}}), server(p::version_response{6, {}})},
       "version 6",
       0},
      {"reply to no request", with_handshake({server(status(77))}), "id 77", 1},
      {"reply of the wrong type",
       with_handshake(
           {client(p::remove_request{1, "/a"}), server(p::handle_response{1, handle_a})}),
       "SFTP HANDLE answers SFTP REMOVE request 1", 1},
      {"data answering open",
       with_handshake({client(p::open_request{1, "/a", open_mode::read, {}}),
                       server(p::data_response{1, {1, 2}})}),
       "SFTP DATA answers SFTP OPEN", 1},
      {"data length mismatch",
       with_handshake({client(p::read_request{2, handle_a, 0, 10}), server_raw(short_data)}),
       "data of 5 bytes", 1},
      {"id reused",
       with_handshake({client(p::remove_request{1, "/a"}), client(p::remove_request{1, "/b"})}),
       "reused", 1},
  };
}

TEST(SftpAudit, MalformedStreamsStopWithAReason) {
  for (const auto& m : malformed_cases()) {
    for (const auto& c : chunkings) {
      SCOPED_TRACE(std::string(m.name) + ", " + c.name);
      recorder r;
      r.play(m.steps, c);
      ASSERT_TRUE(r.audit().stopped());
      EXPECT_NE(r.audit().stop_reason().find(m.why), std::string::npos) << r.audit().stop_reason();
      ASSERT_EQ(r.events().size(), m.events_before + 1);
      EXPECT_EQ(r.events().back().op, "audit_stopped");
      EXPECT_EQ(r.events().back().fields["reason"], r.audit().stop_reason());
      // Nothing more, whatever follows.
      r.audit().from_client(p::encode_request(p::remove_request{50, "/z"}).value());
      r.audit().from_server(p::encode_response(status(50)).value());
      r.end();
      EXPECT_EQ(r.events().size(), m.events_before + 1);
    }
  }
}

TEST(SftpAudit, TooManyOutstandingRequestsStops) {
  sftp_audit_limits limits;
  limits.max_outstanding_requests = 4;
  std::vector<step> steps;
  for (std::uint32_t id = 1; id <= 5; ++id) steps.push_back(client(p::stat_request{id, "/a"}));
  recorder r(limits);
  r.play(with_handshake(steps), chunkings[0]);
  ASSERT_TRUE(r.audit().stopped());
  EXPECT_NE(r.audit().stop_reason().find("more than 4 requests"), std::string::npos);
  EXPECT_EQ(r.events().back().fields["outstanding_requests"], 4);
}

TEST(SftpAudit, TooManyOpenHandlesStops) {
  sftp_audit_limits limits;
  limits.max_open_handles = 2;
  std::vector<step> steps;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    steps.push_back(client(p::opendir_request{i, "/d"}));
    steps.push_back(server(p::handle_response{i, {i}}));
  }
  recorder r(limits);
  r.play(with_handshake(steps), chunkings[0]);
  ASSERT_TRUE(r.audit().stopped());
  EXPECT_NE(r.audit().stop_reason().find("more than 2 handles"), std::string::npos);
  EXPECT_EQ(r.named("opendir").size(), 2u);
}

TEST(SftpAudit, ManyTransfersInOneSessionEachGetTheirHash) {
  // An upload and a download interleaved on two handles, as "put" and "get" in parallel.
  const bytes up = random_bytes(50000, 18), down = random_bytes(40000, 19);
  std::vector<step> steps = {
      client(p::open_request{
          1, "/up", open_mode::write | open_mode::create | open_mode::exclusive, {}}),
      client(p::open_request{2, "/down", open_mode::read, {}}),
      server(p::handle_response{1, handle_a}), server(p::handle_response{2, handle_b})};
  std::uint32_t id = 10;
  for (std::size_t at = 0; at < 50000; at += 16384) {
    steps.push_back(client(p::write_request{id, handle_a, at, slice(up, at, 16384)}));
    steps.push_back(client(p::read_request{id + 1, handle_b, at, 16384}));
    steps.push_back(server(status(id)));
    if (at < down.size()) {
      steps.push_back(server(p::data_response{id + 1, slice(down, at, 16384)}));
    } else {
      steps.push_back(server(status(id + 1, status_code::eof)));
    }
    id += 2;
  }
  steps.push_back(client(p::close_request{3, handle_a}));
  steps.push_back(client(p::close_request{4, handle_b}));
  steps.push_back(server(status(3)));
  steps.push_back(server(status(4)));
  for (const auto& c : chunkings) {
    SCOPED_TRACE(c.name);
    recorder r;
    r.play(with_handshake(steps), c, 42);
    const auto close = r.named("close");
    ASSERT_EQ(close.size(), 2u);
    EXPECT_EQ(close[0].fields["path"], "/up");
    EXPECT_EQ(close[0].fields["sha256"], sha256_hex(up));
    EXPECT_EQ(close[1].fields["path"], "/down");
    EXPECT_EQ(close[1].fields["sha256"], sha256_hex(down));
  }
}

}  // namespace
