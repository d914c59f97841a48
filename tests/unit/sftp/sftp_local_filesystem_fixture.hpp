// The fixture of the local_filesystem tests: a fresh directory per test holding the SFTP
// root and, beside it (outside the root), a sentinel file that no request may read or
// change. Runs once per path resolver (openat2 and the userspace walk).
#pragma once

#include "sftp/sftp_local_filesystem.hpp"

#include <sshlib/bytes.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>

namespace sshlib::sftp::test {

class LocalFilesystem : public ::testing::TestWithParam<path_resolution> {
protected:
  void SetUp() override;
  void TearDown() override;

  /// (Re)opens the backend on root_ with these options (SetUp uses the defaults).
  void reopen(local_filesystem_options options);

  protocol::response call(const protocol::request& r) { return fs_->handle(r); }

  /// The STATUS code of a response; failure (and a test failure) for anything else.
  static status_code code_of(const protocol::response& r);
  static std::string message_of(const protocol::response& r);

  /// OPEN expecting a handle; an empty handle (and a test failure) otherwise.
  bytes open(const std::string& path, open_mode flags, std::optional<std::uint32_t> perms = {});
  bytes opendir(const std::string& path);
  std::string read_all(const bytes& handle);
  void close(const bytes& handle);

  /// The host path of a name inside the root / beside it.
  std::filesystem::path host(const std::string& name) const { return root_ / name; }

  std::filesystem::path base_;      // the test's temporary directory
  std::filesystem::path root_;      // base_/root: the SFTP root
  std::filesystem::path sentinel_;  // base_/secret.txt: outside the root
  struct stat sentinel_stat_ {};
  std::optional<local_filesystem> fs_;
  std::uint32_t next_id_ = 1;
};

/// Test name suffixes for the two resolvers.
std::string resolver_name(const ::testing::TestParamInfo<path_resolution>& info);

std::string read_host_file(const std::filesystem::path& p);
void write_host_file(const std::filesystem::path& p, const std::string& contents);

}  // namespace sshlib::sftp::test
