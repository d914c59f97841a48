#include "sftp_local_filesystem_fixture.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace sshlib::sftp::test {

std::string read_host_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_host_file(const std::filesystem::path& p, const std::string& contents) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::string resolver_name(const ::testing::TestParamInfo<path_resolution>& info) {
  return info.param == path_resolution::automatic ? "Openat2" : "UserspaceWalk";
}

void LocalFilesystem::SetUp() {
  std::string tmpl = "/tmp/sshlib-sftp-fs-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  ASSERT_NE(::mkdtemp(buf.data()), nullptr);
  base_ = buf.data();
  root_ = base_ / "root";
  sentinel_ = base_ / "secret.txt";
  std::filesystem::create_directory(root_);
  // Distinct modes, so a listing that showed the root's parent would be noticed.
  ::chmod(base_.c_str(), 0711);
  ::chmod(root_.c_str(), 0755);
  write_host_file(sentinel_, "outside");
  ::chmod(sentinel_.c_str(), 0640);
  ASSERT_EQ(::stat(sentinel_.c_str(), &sentinel_stat_), 0);
  reopen({});
}

void LocalFilesystem::reopen(local_filesystem_options options) {
  options.resolution = GetParam();
  fs_.reset();
  auto fs = local_filesystem::open(root_.string(), options);
  ASSERT_TRUE(fs) << fs.error().message();
  fs_.emplace(std::move(*fs));
}

void LocalFilesystem::TearDown() {
  fs_.reset();
  // Nothing outside the root changed: the sentinel is intact and nothing new appeared.
  EXPECT_EQ(read_host_file(sentinel_), "outside");
  struct stat now {};
  EXPECT_EQ(::stat(sentinel_.c_str(), &now), 0);
  EXPECT_EQ(now.st_mode, sentinel_stat_.st_mode);
  EXPECT_EQ(now.st_uid, sentinel_stat_.st_uid);
  EXPECT_EQ(now.st_nlink, 1u);
  EXPECT_EQ(now.st_mtim.tv_sec, sentinel_stat_.st_mtim.tv_sec);
  EXPECT_EQ(now.st_mtim.tv_nsec, sentinel_stat_.st_mtim.tv_nsec);
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(base_)) {
    names.insert(e.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"root", "secret.txt"}));
  std::error_code ec;
  std::filesystem::remove_all(base_, ec);
}

status_code LocalFilesystem::code_of(const protocol::response& r) {
  auto* s = std::get_if<protocol::status_response>(&r);
  EXPECT_NE(s, nullptr) << "expected a STATUS, got alternative " << r.index();
  return s == nullptr ? status_code::failure : s->code;
}

std::string LocalFilesystem::message_of(const protocol::response& r) {
  auto* s = std::get_if<protocol::status_response>(&r);
  return s == nullptr ? std::string{} : s->message;
}

bytes LocalFilesystem::open(const std::string& path, open_mode flags,
                            std::optional<std::uint32_t> perms) {
  protocol::open_request r{next_id_++, path, flags, {}};
  r.attrs.permissions = perms;
  auto reply = call(r);
  auto* h = std::get_if<protocol::handle_response>(&reply);
  EXPECT_NE(h, nullptr) << "OPEN " << path << ": " << message_of(reply);
  if (h == nullptr) return {};
  EXPECT_EQ(h->id, r.id);
  return h->handle;
}

bytes LocalFilesystem::opendir(const std::string& path) {
  auto reply = call(protocol::opendir_request{next_id_++, path});
  auto* h = std::get_if<protocol::handle_response>(&reply);
  EXPECT_NE(h, nullptr) << "OPENDIR " << path << ": " << message_of(reply);
  return h == nullptr ? bytes{} : h->handle;
}

std::string LocalFilesystem::read_all(const bytes& handle) {
  std::string out;
  while (true) {
    auto reply = call(protocol::read_request{next_id_++, handle, out.size(), 4096});
    if (auto* d = std::get_if<protocol::data_response>(&reply)) {
      out.append(d->data.begin(), d->data.end());
      continue;
    }
    EXPECT_EQ(code_of(reply), status_code::eof) << message_of(reply);
    return out;
  }
}

void LocalFilesystem::close(const bytes& handle) {
  EXPECT_EQ(code_of(call(protocol::close_request{next_id_++, handle})), status_code::ok);
}

}  // namespace sshlib::sftp::test
