// The escape suite: ".." chains, absolute host paths, symbolic links to "/", "/etc",
// "../../..", loops, links the client makes itself, rename and hardlink of outside paths.
// Each must stay inside the root; the fixture's TearDown checks that the sentinel beside the
// root is unchanged (content, mode, owner, mtime, link count) and nothing new appeared outside.
#include "sftp_local_filesystem_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <set>

namespace sshlib::sftp::test {
namespace {

class LocalFilesystemEscape : public LocalFilesystem {
protected:
  // Every way to name the sentinel from inside the root, given the links made by SetUp.
  std::vector<std::string> sentinel_names() const {
    return {"../secret.txt",           "../../../../secret.txt", "/../secret.txt",
            "a/../../secret.txt",      sentinel_.string(),       "to_root/../secret.txt",
            "to_up/secret.txt",        "to_up/root/../secret.txt", "to_sentinel",
            "to_host_base/secret.txt", "deep/to_up2/secret.txt"};
  }

  void SetUp() override {
    LocalFilesystem::SetUp();
    std::filesystem::create_directories(host("a/b"));
    std::filesystem::create_directories(host("deep"));
    std::filesystem::create_symlink("/", host("to_root"));
    std::filesystem::create_symlink("/etc", host("to_etc"));
    std::filesystem::create_symlink("../../..", host("to_up"));
    std::filesystem::create_symlink("../../../..", host("deep/to_up2"));
    std::filesystem::create_symlink(sentinel_, host("to_sentinel"));
    std::filesystem::create_symlink(base_, host("to_host_base"));
    write_host_file(host("inside.txt"), "inside");
  }

  bool reads_sentinel(const std::string& path) {
    auto r = call(protocol::open_request{1, path, open_mode::read, {}});
    auto* h = std::get_if<protocol::handle_response>(&r);
    if (h == nullptr) return false;
    std::string text = read_all(h->handle);
    close(h->handle);
    return text == "outside";
  }
};

TEST_P(LocalFilesystemEscape, NoNameReachesTheSentinel) {
  for (const auto& name : sentinel_names()) {
    EXPECT_FALSE(reads_sentinel(name)) << name;
    EXPECT_EQ(code_of(call(protocol::stat_request{2, name})), status_code::no_such_file) << name;
  }
}

TEST_P(LocalFilesystemEscape, DotDotStopsAtTheRoot) {
  // "/.." and a chain of ".." are the root itself, and what is "inside" stays reachable.
  auto st = std::get<protocol::attrs_response>(call(protocol::stat_request{1, "../../.."})).attrs;
  EXPECT_EQ(*st.permissions & 07777, 0755u);  // the root's mode, not base_'s 0711
  EXPECT_TRUE(reads_sentinel("../inside.txt") == false);
  bytes h = open("../../inside.txt", open_mode::read);
  EXPECT_EQ(read_all(h), "inside");
  close(h);
  // Creating through ".." creates inside the root.
  close(open("../../created.txt", open_mode::write | open_mode::create));
  EXPECT_TRUE(std::filesystem::exists(host("created.txt")));
  EXPECT_EQ(code_of(call(protocol::mkdir_request{2, "../newdir", {}})), status_code::ok);
  EXPECT_TRUE(std::filesystem::is_directory(host("newdir")));
}

TEST_P(LocalFilesystemEscape, AbsoluteSymlinksResolveInsideTheRoot) {
  // "/etc" inside the root is root/etc: a fake passwd there is what the link reaches.
  EXPECT_EQ(code_of(call(protocol::open_request{1, "to_etc/passwd", open_mode::read, {}})),
            status_code::no_such_file);
  std::filesystem::create_directory(host("etc"));
  write_host_file(host("etc/passwd"), "fake");
  bytes h = open("to_etc/passwd", open_mode::read);
  EXPECT_EQ(read_all(h), "fake");
  close(h);
  // A link to "/" lists the root.
  bytes d = opendir("to_root");
  std::set<std::string> names;
  while (true) {
    auto r = call(protocol::readdir_request{2, d});
    auto* n = std::get_if<protocol::name_response>(&r);
    if (n == nullptr) break;
    for (const auto& e : n->entries) names.insert(e.filename);
  }
  close(d);
  EXPECT_TRUE(names.count("inside.txt"));
  EXPECT_FALSE(names.count("secret.txt"));
}

TEST_P(LocalFilesystemEscape, RootListingShowsTheRootAsItsParent) {
  bytes d = opendir("/");
  bool saw_dotdot = false;
  while (true) {
    auto r = call(protocol::readdir_request{1, d});
    auto* n = std::get_if<protocol::name_response>(&r);
    if (n == nullptr) break;
    for (const auto& e : n->entries) {
      if (e.filename != "..") continue;
      saw_dotdot = true;
      EXPECT_EQ(*e.attrs.permissions & 07777, 0755u);  // base_ is 0711
    }
  }
  close(d);
  EXPECT_TRUE(saw_dotdot);
}

TEST_P(LocalFilesystemEscape, SymlinkLoopIsNoSuchFile) {
  std::filesystem::create_symlink("loop_b", host("loop_a"));
  std::filesystem::create_symlink("loop_a", host("loop_b"));
  std::filesystem::create_symlink("self/x", host("self"));
  for (const char* p : {"loop_a", "loop_b/x", "self"}) {
    auto r = call(protocol::stat_request{1, p});
    EXPECT_EQ(code_of(r), status_code::no_such_file) << p;
    EXPECT_EQ(message_of(r), "Too many levels of symbolic links") << p;
  }
  EXPECT_TRUE(std::get<protocol::attrs_response>(call(protocol::lstat_request{2, "loop_a"})).attrs.is_symlink());
}

TEST_P(LocalFilesystemEscape, ClientMadeSymlinksAreFollowedInsideTheRoot) {
  // OpenSSH's order: link_path holds the text, target_path the new link.
  ASSERT_EQ(code_of(call(protocol::symlink_request{1, "../secret.txt", "evil"})), status_code::ok);
  ASSERT_EQ(code_of(call(protocol::symlink_request{2, sentinel_.string(), "evil_abs"})), status_code::ok);
  ASSERT_EQ(code_of(call(protocol::symlink_request{3, "/..", "evil_dir"})), status_code::ok);
  ASSERT_EQ(code_of(call(protocol::symlink_request{4, base_.string(), "evil_base"})), status_code::ok);
  for (const char* p : {"evil", "evil_abs", "evil_base/secret.txt", "evil_dir/secret.txt"}) {
    EXPECT_FALSE(reads_sentinel(p)) << p;
    EXPECT_EQ(code_of(call(protocol::stat_request{5, p})), status_code::no_such_file) << p;
  }
  // OPENDIR of a link to "/.." is the root.
  bytes d = opendir("evil_dir");
  close(d);
  // SETSTAT through the links: nothing outside changes (TearDown checks mode and mtime).
  file_attributes a;
  a.permissions = 0600;
  a.atime = 1;
  a.mtime = 1;
  for (const char* p : {"evil", "evil_abs", "evil_base/secret.txt"}) {
    EXPECT_EQ(code_of(call(protocol::setstat_request{6, p, a})), status_code::no_such_file) << p;
  }
  file_attributes truncate;
  truncate.size = 0;
  EXPECT_EQ(code_of(call(protocol::setstat_request{7, "evil", truncate})), status_code::no_such_file);
  // OPEN with create through a dangling link creates the link's target inside the root.
  bytes h = open("evil", open_mode::write | open_mode::create | open_mode::truncate);
  EXPECT_EQ(code_of(call(protocol::write_request{8, h, 0, bytes{'i', 'n'}})), status_code::ok);
  close(h);
  EXPECT_EQ(read_host_file(host("secret.txt")), "in");
  // READLINK gives the text as stored.
  auto n = std::get<protocol::name_response>(call(protocol::readlink_request{9, "evil_abs"}));
  EXPECT_EQ(n.entries.at(0).filename, sentinel_.string());
}

TEST_P(LocalFilesystemEscape, RenameTargetsThroughLinksStayInside) {
  ASSERT_EQ(code_of(call(protocol::symlink_request{1, base_.string(), "out"})), status_code::ok);
  ASSERT_EQ(code_of(call(protocol::symlink_request{2, "../..", "up"})), status_code::ok);
  // base_ as an in-root path does not exist: the rename fails instead of leaving the root.
  EXPECT_EQ(code_of(call(protocol::rename_request{3, "inside.txt", "out/moved"})), status_code::no_such_file);
  EXPECT_EQ(code_of(call(protocol::posix_rename_request{4, "inside.txt", "out/moved"})),
            status_code::no_such_file);
  EXPECT_EQ(code_of(call(protocol::hardlink_request{5, "inside.txt", "out/linked"})), status_code::no_such_file);
  // "up" is the root: the file moves within it.
  EXPECT_EQ(code_of(call(protocol::rename_request{6, "inside.txt", "up/moved"})), status_code::ok);
  EXPECT_EQ(read_host_file(host("moved")), "inside");
  EXPECT_EQ(code_of(call(protocol::rename_request{7, "moved", "../../moved2"})), status_code::ok);
  EXPECT_TRUE(std::filesystem::exists(host("moved2")));
}

TEST_P(LocalFilesystemEscape, OutsidePathsCannotBeRenamedLinkedOrRemoved) {
  for (const auto& name : sentinel_names()) {
    if (name == "to_sentinel") continue;  // an in-root name: the link itself, tested below
    EXPECT_NE(code_of(call(protocol::rename_request{1, name, "stolen"})), status_code::ok) << name;
    EXPECT_NE(code_of(call(protocol::posix_rename_request{2, name, "stolen"})), status_code::ok) << name;
    EXPECT_NE(code_of(call(protocol::remove_request{3, name})), status_code::ok) << name;
  }
  // to_sentinel itself is an in-root name: renaming, linking or removing it acts on the link.
  EXPECT_EQ(code_of(call(protocol::hardlink_request{4, "to_sentinel", "second"})), status_code::ok);
  EXPECT_TRUE(std::get<protocol::attrs_response>(call(protocol::lstat_request{5, "second"})).attrs.is_symlink());
  EXPECT_FALSE(reads_sentinel("second"));
  EXPECT_EQ(code_of(call(protocol::rename_request{6, "to_sentinel", "renamed"})), status_code::ok);
  EXPECT_EQ(code_of(call(protocol::remove_request{7, "renamed"})), status_code::ok);
  EXPECT_FALSE(std::filesystem::exists(host("stolen")));
  for (const char* name : {"../secret.txt", "to_up/secret.txt", "to_host_base/secret.txt"}) {
    EXPECT_NE(code_of(call(protocol::hardlink_request{8, name, "stolen"})), status_code::ok) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(host("stolen")));
}

TEST_P(LocalFilesystemEscape, LsetstatOnALinkToTheSentinelTouchesOnlyTheLink) {
  file_attributes a;
  a.atime = 3;
  a.mtime = 3;
  EXPECT_EQ(code_of(call(protocol::lsetstat_request{1, "to_sentinel", a})), status_code::ok);
  struct stat st {};
  ASSERT_EQ(::lstat(host("to_sentinel").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 3);
}

TEST_P(LocalFilesystemEscape, StatvfsAndRealpathNeverShowHostPaths) {
  EXPECT_TRUE(std::holds_alternative<protocol::extended_reply>(call(protocol::statvfs_request{1, "to_up"})));
  auto n = std::get<protocol::name_response>(call(protocol::realpath_request{2, "to_up/.."}));
  EXPECT_EQ(n.entries.at(0).filename, "/");
  auto e = std::get<protocol::name_response>(call(protocol::expand_path_request{3, "~/../../x"}));
  EXPECT_EQ(e.entries.at(0).filename, "/x");
}

INSTANTIATE_TEST_SUITE_P(BothResolvers, LocalFilesystemEscape,
                         ::testing::Values(path_resolution::automatic, path_resolution::userspace_walk),
                         resolver_name);

}  // namespace
}  // namespace sshlib::sftp::test
