// Where agent_server puts its socket: a fresh private directory, or a named one that must
// be private; symlinks, foreign modes and existing files are refused.
#include "agent/socket_directory.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

namespace sshlib::agent_protocol {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(SocketDirectory, MakesAFreshPrivateDirectoryWhenNoPathIsGiven) {
  auto loc = prepare_socket_location({});
  ASSERT_TRUE(loc) << loc.error().message();
  EXPECT_EQ(loc->socket.parent_path(), loc->created_dir);
  EXPECT_EQ(mode_of(loc->created_dir), 0700u);
  EXPECT_EQ(loc->socket.filename(), "agent." + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(loc->socket));
  remove_socket_location(*loc);
  EXPECT_FALSE(fs::exists(loc->created_dir));
}

TEST(SocketDirectory, CreatesAMissingDirectoryPrivateWhateverTheUmask) {
  test::temp_dir dir;
  const mode_t old = ::umask(0277);  // would leave the owner unable to write
  auto loc = prepare_socket_location(dir / "new" / "sock");
  ::umask(old);
  ASSERT_TRUE(loc) << loc.error().message();
  EXPECT_EQ(loc->created_dir, dir / "new");
  EXPECT_EQ(mode_of(dir / "new"), 0700u);
  remove_socket_location(*loc);
  EXPECT_FALSE(fs::exists(dir / "new"));
}

TEST(SocketDirectory, RefusesDirectoriesOthersCanReach) {
  test::temp_dir dir;
  for (const unsigned mode : {0750u, 0705u, 0770u, 0711u}) {
    fs::create_directory(dir / "d");
    fs::permissions(dir / "d", fs::perms(mode));
    EXPECT_EQ(prepare_socket_location(dir / "d" / "sock").code(), errc::insecure_permissions) << std::oct << mode;
    fs::remove(dir / "d");
  }
  // A symlink to a private directory is not the directory itself.
  fs::create_directory(dir / "real");
  fs::permissions(dir / "real", fs::perms(0700));
  fs::create_directory_symlink(dir / "real", dir / "link");
  EXPECT_EQ(prepare_socket_location(dir / "link" / "sock").code(), errc::insecure_permissions);
  // A regular file where the directory should be.
  test::write_file(dir / "file", "x");
  EXPECT_FALSE(prepare_socket_location(dir / "file" / "sock"));
}

TEST(SocketDirectory, NeverReplacesAnExistingFile) {
  test::temp_dir dir;
  test::write_file(dir / "sock", "not a socket");
  EXPECT_EQ(prepare_socket_location(dir / "sock").code(), boost::system::errc::file_exists);
  EXPECT_TRUE(fs::exists(dir / "sock"));
}

TEST(SocketDirectory, RefusesPathsTooLongForASocketAddress) {
  test::temp_dir dir;
  EXPECT_EQ(prepare_socket_location(dir / std::string(120, 's')).code(), boost::system::errc::filename_too_long);
  EXPECT_EQ(prepare_socket_location(dir / std::string(120, 'd') / "s").code(), boost::system::errc::filename_too_long);
  EXPECT_FALSE(fs::exists(dir / std::string(120, 'd')));  // the directory made for it is removed again
}

}  // namespace
}  // namespace sshlib::agent_protocol
