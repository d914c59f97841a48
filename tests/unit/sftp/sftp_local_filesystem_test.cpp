// local_filesystem answers every SFTP v3 request and OpenSSH extension against real files
// under a temporary root, with both path resolvers. The escape suite is in
// sftp_local_filesystem_escape_test.cpp.
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_limits.hpp"

#include "sftp_local_filesystem_fixture.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <set>

namespace sshlib::sftp::test {
namespace {

class LocalFilesystemRequests : public LocalFilesystem {};

constexpr open_mode rd = open_mode::read;
constexpr open_mode wr_create = open_mode::write | open_mode::create;

mode_t umask_now() {
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

// A copy of the alternative (a default value and a test failure when it is another one).
template <class T>
T as(const protocol::response& r) {
  auto* v = std::get_if<T>(&r);
  EXPECT_NE(v, nullptr) << "unexpected response alternative " << r.index();
  return v == nullptr ? T{} : *v;
}

TEST_P(LocalFilesystemRequests, VersionAnnouncesOpenSshExtensions) {
  auto v = local_filesystem::version();
  EXPECT_EQ(v.version, 3u);
  std::vector<protocol::extension_pair> expected{
      {"posix-rename@openssh.com", "1"}, {"statvfs@openssh.com", "2"}, {"fstatvfs@openssh.com", "2"},
      {"hardlink@openssh.com", "1"},     {"fsync@openssh.com", "1"},   {"lsetstat@openssh.com", "1"},
      {"limits@openssh.com", "1"},       {"expand-path@openssh.com", "1"}, {"copy-data", "1"},
      {"home-directory", "1"},           {"users-groups-by-id@openssh.com", "1"}};
  EXPECT_EQ(v.extensions, expected);
  EXPECT_EQ(as<protocol::version_response>(call(protocol::init_request{})), v);
}

TEST_P(LocalFilesystemRequests, OpenRequiresAnExistingDirectoryRoot) {
  EXPECT_FALSE(local_filesystem::open((base_ / "missing").string()));
  EXPECT_FALSE(local_filesystem::open(sentinel_.string()));
}

TEST_P(LocalFilesystemRequests, WritesThenReadsBackWithShortReadAndEof) {
  bytes h = open("/f.txt", wr_create | open_mode::read, 0640);
  ASSERT_EQ(h.size(), 4u);
  auto w = call(protocol::write_request{7, h, 0, bytes{'h', 'e', 'l', 'l', 'o'}});
  EXPECT_EQ(as<protocol::status_response>(w).id, 7u);
  EXPECT_EQ(code_of(w), status_code::ok);
  EXPECT_EQ(code_of(call(protocol::write_request{8, h, 5, bytes{'!'}})), status_code::ok);

  auto r = call(protocol::read_request{9, h, 2, 100});
  EXPECT_EQ(as<protocol::data_response>(r).id, 9u);
  EXPECT_EQ(as<protocol::data_response>(r).data, (bytes{'l', 'l', 'o', '!'}));  // short at EOF
  EXPECT_EQ(code_of(call(protocol::read_request{10, h, 6, 100})), status_code::eof);
  EXPECT_EQ(code_of(call(protocol::read_request{11, h, 1000, 100})), status_code::eof);
  EXPECT_EQ(code_of(call(protocol::read_request{12, h, ~std::uint64_t{0}, 100})), status_code::eof);
  close(h);
  EXPECT_EQ(read_host_file(host("f.txt")), "hello!");
  struct stat st {};
  ASSERT_EQ(::stat(host("f.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640 & ~umask_now());
}

TEST_P(LocalFilesystemRequests, ReadIsCappedAtTheDataLimit) {
  write_host_file(host("big"), std::string(protocol::limits::max_data_length + 100, 'x'));
  bytes h = open("big", rd);
  auto r = call(protocol::read_request{1, h, 0, 0xffffffffu});
  EXPECT_EQ(as<protocol::data_response>(r).data.size(), protocol::limits::max_data_length);
  close(h);
}

TEST_P(LocalFilesystemRequests, OpenFlagsMapToOpenSemantics) {
  write_host_file(host("f"), "abc");
  // exclusive on an existing file fails; truncate empties; append writes at the end.
  auto excl = call(protocol::open_request{1, "f", wr_create | open_mode::exclusive, {}});
  EXPECT_EQ(code_of(excl), status_code::failure);
  EXPECT_EQ(message_of(excl), "File exists");
  bytes a = open("f", open_mode::write | open_mode::append);
  EXPECT_EQ(code_of(call(protocol::write_request{2, a, 0, bytes{'d'}})), status_code::ok);
  close(a);
  EXPECT_EQ(read_host_file(host("f")), "abcd");
  close(open("f", wr_create | open_mode::truncate));
  EXPECT_EQ(read_host_file(host("f")), "");
  // No create: a missing file is NO_SUCH_FILE with strerror's text in English.
  auto missing = as<protocol::status_response>(call(protocol::open_request{3, "nope", rd, {}}));
  EXPECT_EQ(missing.code, status_code::no_such_file);
  EXPECT_EQ(missing.message, "No such file or directory");
  EXPECT_EQ(missing.language, "en");
  // A read-only handle refuses WRITE.
  bytes r = open("f", rd);
  EXPECT_NE(code_of(call(protocol::write_request{4, r, 0, bytes{'x'}})), status_code::ok);
  close(r);
}

TEST_P(LocalFilesystemRequests, OpenRefusesDirectoriesAndFifos) {
  std::filesystem::create_directory(host("d"));
  ASSERT_EQ(::mkfifo(host("fifo").c_str(), 0600), 0);
  EXPECT_EQ(code_of(call(protocol::open_request{1, "d", rd, {}})), status_code::failure);
  // O_NONBLOCK: the open returns at once instead of waiting for a writer.
  EXPECT_EQ(message_of(call(protocol::open_request{2, "fifo", rd, {}})), "not a regular file");
  EXPECT_EQ(fs_->open_handles(), 0u);
}

TEST_P(LocalFilesystemRequests, UnknownAndClosedHandlesAreInvalid) {
  bytes h = open("x", wr_create);
  close(h);
  for (const bytes& bad : {h, bytes{}, bytes{1, 2, 3, 4, 5}, bytes{0xff, 0xff, 0xff, 0xff}}) {
    auto r = call(protocol::read_request{1, bad, 0, 10});
    EXPECT_EQ(code_of(r), status_code::failure);
    EXPECT_EQ(message_of(r), "invalid handle");
    EXPECT_EQ(code_of(call(protocol::close_request{2, bad})), status_code::failure);
  }
  // A directory handle is not a file handle, nor the reverse.
  bytes d = opendir("/");
  EXPECT_EQ(message_of(call(protocol::read_request{3, d, 0, 10})), "invalid handle");
  bytes f = open("x", rd);
  EXPECT_EQ(message_of(call(protocol::readdir_request{4, f})), "invalid handle");
  EXPECT_NE(d, f);
  close(d);
  close(f);
}

TEST_P(LocalFilesystemRequests, StatFollowsAndLstatDoesNot) {
  write_host_file(host("target"), "12345");
  std::filesystem::create_symlink("target", host("link"));
  auto st = as<protocol::attrs_response>(call(protocol::stat_request{5, "link"}));
  EXPECT_EQ(st.id, 5u);
  EXPECT_TRUE(st.attrs.is_regular_file());
  EXPECT_EQ(st.attrs.size, 5u);
  EXPECT_EQ(st.attrs.uid, ::getuid());
  auto lst = as<protocol::attrs_response>(call(protocol::lstat_request{6, "link"}));
  EXPECT_TRUE(lst.attrs.is_symlink());
  EXPECT_EQ(code_of(call(protocol::stat_request{7, "missing"})), status_code::no_such_file);
  EXPECT_EQ(code_of(call(protocol::stat_request{8, "target/x"})), status_code::no_such_file);  // ENOTDIR
  EXPECT_TRUE(as<protocol::attrs_response>(call(protocol::stat_request{9, "/"})).attrs.is_directory());
}

TEST_P(LocalFilesystemRequests, DotDotAfterALinkClimbsFromTheLinksTarget) {
  // The kernel's meaning, which the userspace walk must share: "l/.." is "a/b/..", i.e. "a".
  std::filesystem::create_directories(host("a/b"));
  write_host_file(host("a/x"), "x");
  std::filesystem::create_symlink("a/b", host("l"));
  EXPECT_TRUE(as<protocol::attrs_response>(call(protocol::stat_request{1, "l/../x"})).attrs.is_regular_file());
  EXPECT_EQ(code_of(call(protocol::stat_request{2, "x"})), status_code::no_such_file);
}

TEST_P(LocalFilesystemRequests, FstatAndFsetstatActOnTheHandle) {
  bytes h = open("f", wr_create | open_mode::read, 0600);
  file_attributes a;
  a.size = 10;
  a.permissions = 0604;
  a.atime = 1000000;
  a.mtime = 2000000;
  a.uid = ::getuid();
  a.gid = ::getgid();
  EXPECT_EQ(code_of(call(protocol::fsetstat_request{1, h, a})), status_code::ok);
  auto st = as<protocol::attrs_response>(call(protocol::fstat_request{2, h})).attrs;
  EXPECT_EQ(st.size, 10u);
  EXPECT_EQ(*st.permissions & 07777, 0604u);
  EXPECT_EQ(st.atime, 1000000u);
  EXPECT_EQ(st.mtime, 2000000u);
  EXPECT_EQ(st.uid, ::getuid());
  EXPECT_EQ(std::filesystem::file_size(host("f")), 10u);
  close(h);
}

TEST_P(LocalFilesystemRequests, SetstatTruncatesChmodsAndSetsTimes) {
  write_host_file(host("f"), "0123456789");
  std::filesystem::create_symlink("f", host("link"));
  file_attributes a;
  a.size = 3;
  a.permissions = 0600;
  a.atime = 111;
  a.mtime = 222;
  EXPECT_EQ(code_of(call(protocol::setstat_request{1, "link", a})), status_code::ok);
  EXPECT_EQ(read_host_file(host("f")), "012");
  struct stat st {};
  ASSERT_EQ(::stat(host("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_mtime, 222);
  EXPECT_EQ(code_of(call(protocol::setstat_request{2, "missing", a})), status_code::no_such_file);
}

TEST_P(LocalFilesystemRequests, LsetstatChangesTheLinkNotItsTarget) {
  write_host_file(host("f"), "x");
  std::filesystem::create_symlink("f", host("link"));
  struct stat before {};
  ASSERT_EQ(::stat(host("f").c_str(), &before), 0);
  file_attributes a;
  a.atime = 5000;
  a.mtime = 6000;
  EXPECT_EQ(code_of(call(protocol::lsetstat_request{1, "link", a})), status_code::ok);
  struct stat link {};
  ASSERT_EQ(::lstat(host("link").c_str(), &link), 0);
  EXPECT_EQ(link.st_mtime, 6000);
  struct stat after {};
  ASSERT_EQ(::stat(host("f").c_str(), &after), 0);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  // Linux links have no mode: lsetstat of permissions on a link is a failure, as in OpenSSH.
  file_attributes p;
  p.permissions = 0600;
  EXPECT_NE(code_of(call(protocol::lsetstat_request{2, "link", p})), status_code::ok);
}

TEST_P(LocalFilesystemRequests, ReaddirSendsBatchesWithLongNamesThenEof) {
  std::filesystem::create_directory(host("d"));
  for (int i = 0; i < 250; ++i) write_host_file(host("d/file" + std::to_string(i)), "abc");
  bytes h = opendir("/d");
  std::set<std::string> seen;
  int batches = 0;
  while (true) {
    auto r = call(protocol::readdir_request{1, h});
    if (std::holds_alternative<protocol::status_response>(r)) {
      EXPECT_EQ(code_of(r), status_code::eof);
      break;
    }
    auto names = as<protocol::name_response>(r);
    EXPECT_LE(names.entries.size(), 100u);
    ++batches;
    for (const auto& e : names.entries) {
      seen.insert(e.filename);
      if (e.filename == "file7") {
        EXPECT_EQ(e.longname.substr(0, 4), "-rw-") << e.longname;
        EXPECT_NE(e.longname.find(" 3 "), std::string::npos) << e.longname;  // the size
        EXPECT_EQ(e.longname.substr(e.longname.size() - 6), " file7");
        EXPECT_EQ(e.attrs.size, 3u);
      }
      if (e.filename == ".") {
        EXPECT_EQ(e.longname.front(), 'd');
      }
    }
  }
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(seen.size(), 252u);  // with "." and ".."
  EXPECT_TRUE(seen.count("file249"));
  close(h);
}

TEST_P(LocalFilesystemRequests, MkdirRmdirAndRemove) {
  file_attributes a;
  a.permissions = 0750;
  EXPECT_EQ(code_of(call(protocol::mkdir_request{1, "/d", a})), status_code::ok);
  struct stat st {};
  ASSERT_EQ(::stat(host("d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750 & ~umask_now());
  EXPECT_EQ(code_of(call(protocol::mkdir_request{2, "/d", {}})), status_code::failure);  // EEXIST
  write_host_file(host("d/f"), "x");
  EXPECT_EQ(code_of(call(protocol::rmdir_request{3, "d"})), status_code::failure);  // not empty
  EXPECT_EQ(code_of(call(protocol::remove_request{4, "d/f"})), status_code::ok);
  EXPECT_FALSE(std::filesystem::exists(host("d/f")));
  EXPECT_EQ(code_of(call(protocol::remove_request{5, "d/f"})), status_code::no_such_file);
  EXPECT_EQ(code_of(call(protocol::rmdir_request{6, "d"})), status_code::ok);
  EXPECT_FALSE(std::filesystem::exists(host("d")));
  // The root itself cannot be made, removed or renamed.
  EXPECT_NE(code_of(call(protocol::rmdir_request{7, "/"})), status_code::ok);
  EXPECT_NE(code_of(call(protocol::mkdir_request{8, "/..", {}})), status_code::ok);
  EXPECT_NE(code_of(call(protocol::rename_request{9, ".", "elsewhere"})), status_code::ok);
  EXPECT_TRUE(std::filesystem::is_directory(root_));
}

TEST_P(LocalFilesystemRequests, RealpathIsLexicalInTheClientsView) {
  auto real = [&](const std::string& p) {
    auto n = as<protocol::name_response>(call(protocol::realpath_request{3, p}));
    EXPECT_EQ(n.entries.size(), 1u);
    return n.entries.empty() ? std::string{} : n.entries[0].filename;
  };
  EXPECT_EQ(real(""), "/");
  EXPECT_EQ(real("."), "/");
  EXPECT_EQ(real("/"), "/");
  EXPECT_EQ(real("a/b/../c"), "/a/c");
  EXPECT_EQ(real("/a//b/./"), "/a/b");
  EXPECT_EQ(real("../../.."), "/");
  EXPECT_EQ(real("/../x/.."), "/");
  EXPECT_EQ(real(root_.string()), root_.string());  // a host path is only a name here
}

TEST_P(LocalFilesystemRequests, RenameRefusesAnExistingTargetPosixRenameReplaces) {
  write_host_file(host("a"), "A");
  write_host_file(host("b"), "B");
  auto r = call(protocol::rename_request{1, "a", "b"});
  EXPECT_EQ(code_of(r), status_code::failure);
  EXPECT_EQ(read_host_file(host("b")), "B");
  EXPECT_EQ(code_of(call(protocol::rename_request{2, "a", "c"})), status_code::ok);
  EXPECT_EQ(read_host_file(host("c")), "A");
  EXPECT_EQ(code_of(call(protocol::posix_rename_request{3, "c", "b"})), status_code::ok);
  EXPECT_EQ(read_host_file(host("b")), "A");
  EXPECT_FALSE(std::filesystem::exists(host("c")));
  EXPECT_EQ(code_of(call(protocol::rename_request{4, "missing", "z"})), status_code::no_such_file);
}

TEST_P(LocalFilesystemRequests, SymlinkUsesOpenSshsFieldOrderAndReadlinkReturnsTheText) {
  // As OpenSSH's sftp sends "ln -s target newlink": link_path = target, target_path = link.
  auto r = call(protocol::symlink_request{1, "some/target", "newlink"});
  EXPECT_EQ(code_of(r), status_code::ok);
  EXPECT_EQ(std::filesystem::read_symlink(host("newlink")), "some/target");
  auto n = as<protocol::name_response>(call(protocol::readlink_request{2, "/newlink"}));
  ASSERT_EQ(n.entries.size(), 1u);
  EXPECT_EQ(n.entries[0].filename, "some/target");
  EXPECT_EQ(code_of(call(protocol::symlink_request{3, "x", "newlink"})), status_code::failure);  // exists
  write_host_file(host("plain"), "");
  EXPECT_EQ(code_of(call(protocol::readlink_request{4, "plain"})), status_code::bad_message);  // EINVAL
}

TEST_P(LocalFilesystemRequests, HardlinkMakesASecondName) {
  write_host_file(host("a"), "data");
  EXPECT_EQ(code_of(call(protocol::hardlink_request{1, "a", "b"})), status_code::ok);
  EXPECT_EQ(read_host_file(host("b")), "data");
  EXPECT_EQ(std::filesystem::hard_link_count(host("a")), 2u);
  EXPECT_EQ(code_of(call(protocol::hardlink_request{2, "a", "b"})), status_code::failure);
}

TEST_P(LocalFilesystemRequests, FsyncStatvfsAndFstatvfs) {
  bytes h = open("f", wr_create);
  EXPECT_EQ(code_of(call(protocol::fsync_request{1, h})), status_code::ok);
  for (auto reply : {call(protocol::statvfs_request{2, "/"}), call(protocol::fstatvfs_request{3, h})}) {
    auto x = as<protocol::extended_reply>(reply);
    auto body = protocol::decode_extended_reply("statvfs@openssh.com", x.data);
    ASSERT_TRUE(body) << body.error().message();
    auto& info = std::get<fs_info>(*body);
    EXPECT_GT(info.block_size, 0u);
    EXPECT_GT(info.name_max, 0u);
  }
  EXPECT_EQ(code_of(call(protocol::statvfs_request{4, "missing"})), status_code::no_such_file);
  EXPECT_EQ(code_of(call(protocol::fsync_request{5, bytes{9, 9, 9, 9}})), status_code::failure);
  close(h);
}

TEST_P(LocalFilesystemRequests, LimitsExpandPathAndHomeDirectory) {
  auto x = as<protocol::extended_reply>(call(protocol::limits_request{1}));
  auto body = protocol::decode_extended_reply("limits@openssh.com", x.data);
  ASSERT_TRUE(body);
  auto& l = std::get<server_limits>(*body);
  EXPECT_EQ(l.max_packet_length, protocol::limits::max_packet_length);
  EXPECT_EQ(l.max_read_length, protocol::limits::max_data_length);
  EXPECT_EQ(l.max_write_length, protocol::limits::max_data_length);
  EXPECT_EQ(l.max_open_handles, 256u);

  auto name = [&](const protocol::response& r) {
    auto n = as<protocol::name_response>(r);
    return n.entries.empty() ? std::string{} : n.entries[0].filename;
  };
  EXPECT_EQ(name(call(protocol::expand_path_request{2, "~"})), "/");
  EXPECT_EQ(name(call(protocol::expand_path_request{3, "~/docs/../x"})), "/x");
  EXPECT_EQ(name(call(protocol::expand_path_request{4, "~root/y"})), "/y");
  EXPECT_EQ(name(call(protocol::expand_path_request{5, "a/./b"})), "/a/b");
  EXPECT_EQ(name(call(protocol::home_directory_request{6, "root"})), "/");
  EXPECT_EQ(name(call(protocol::home_directory_request{7, ""})), "/");
}

TEST_P(LocalFilesystemRequests, UsersGroupsByIdNamesKnownIdsAndLeavesUnknownEmpty) {
  auto x = as<protocol::extended_reply>(
      call(protocol::users_groups_by_id_request{1, {0, 4000000000u}, {0}}));
  auto body = protocol::decode_extended_reply("users-groups-by-id@openssh.com", x.data);
  ASSERT_TRUE(body);
  auto& names = std::get<protocol::users_groups_reply>(*body);
  EXPECT_EQ(names.user_names, (std::vector<std::string>{"root", ""}));
  EXPECT_EQ(names.group_names, (std::vector<std::string>{"root"}));
}

TEST_P(LocalFilesystemRequests, CopyDataCopiesBetweenHandles) {
  write_host_file(host("src"), "0123456789");
  bytes from = open("src", rd);
  bytes to = open("dst", wr_create);
  EXPECT_EQ(code_of(call(protocol::copy_data_request{1, from, 0, 0, to, 0})), status_code::ok);
  EXPECT_EQ(read_host_file(host("dst")), "0123456789");
  EXPECT_EQ(code_of(call(protocol::copy_data_request{2, from, 2, 3, to, 10})), status_code::ok);
  EXPECT_EQ(read_host_file(host("dst")), "0123456789234");
  // Direction and overlap checks.
  EXPECT_EQ(code_of(call(protocol::copy_data_request{3, to, 0, 0, from, 0})), status_code::failure);
  bytes both = open("src", rd | open_mode::write);
  EXPECT_EQ(code_of(call(protocol::copy_data_request{4, both, 0, 5, both, 3})), status_code::failure);
  EXPECT_EQ(code_of(call(protocol::copy_data_request{5, both, 0, 5, both, 5})), status_code::ok);
  EXPECT_EQ(read_host_file(host("src")), "0123401234");
  close(from);
  close(to);
  close(both);
}

TEST_P(LocalFilesystemRequests, UnknownExtendedRequestIsUnsupported) {
  auto r = call(protocol::extended_request{42, "frobnicate@example.com", {}});
  EXPECT_EQ(as<protocol::status_response>(r).id, 42u);
  EXPECT_EQ(code_of(r), status_code::op_unsupported);
}

TEST_P(LocalFilesystemRequests, NulInAPathIsABadMessage) {
  write_host_file(host("a"), "x");
  EXPECT_EQ(code_of(call(protocol::stat_request{1, std::string("a\0/b", 4)})), status_code::bad_message);
  EXPECT_EQ(code_of(call(protocol::remove_request{2, std::string("a\0b", 3)})), status_code::bad_message);
  EXPECT_EQ(code_of(call(protocol::symlink_request{3, std::string("t\0", 2), "l"})), status_code::bad_message);
  EXPECT_TRUE(std::filesystem::exists(host("a")));
}

TEST_P(LocalFilesystemRequests, OpenHandlesAreCapped) {
  local_filesystem_options o;
  o.max_open_handles = 2;
  reopen(o);
  bytes a = open("a", wr_create);
  bytes b = opendir("/");
  auto refused = call(protocol::open_request{1, "c", wr_create, {}});
  EXPECT_EQ(code_of(refused), status_code::failure);
  EXPECT_NE(message_of(refused).find("too many open handles"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(host("c")));  // refused before creating anything
  EXPECT_EQ(code_of(call(protocol::opendir_request{2, "/"})), status_code::failure);
  close(a);
  bytes c = open("c", wr_create);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(fs_->open_handles(), 2u);
  close(b);
  close(c);
}

TEST_P(LocalFilesystemRequests, ReadOnlyModeRefusesEveryChange) {
  write_host_file(host("f"), "keep");
  std::filesystem::create_directory(host("d"));
  local_filesystem_options o;
  o.read_only = true;
  reopen(o);
  file_attributes a;
  a.size = 0;
  std::vector<protocol::request> changes{
      protocol::open_request{1, "f", open_mode::write, {}},
      protocol::open_request{1, "new", wr_create, {}},
      protocol::open_request{1, "f", rd | open_mode::truncate, {}},
      protocol::setstat_request{1, "f", a},
      protocol::lsetstat_request{1, "f", a},
      protocol::remove_request{1, "f"},
      protocol::mkdir_request{1, "d2", {}},
      protocol::rmdir_request{1, "d"},
      protocol::rename_request{1, "f", "g"},
      protocol::posix_rename_request{1, "f", "g"},
      protocol::symlink_request{1, "f", "l"},
      protocol::hardlink_request{1, "f", "h"},
  };
  for (const auto& r : changes) {
    EXPECT_EQ(code_of(call(r)), status_code::permission_denied) << "request " << r.index();
  }
  bytes h = open("f", rd);
  EXPECT_EQ(read_all(h), "keep");
  EXPECT_EQ(code_of(call(protocol::write_request{2, h, 0, bytes{'x'}})), status_code::permission_denied);
  EXPECT_EQ(code_of(call(protocol::fsetstat_request{3, h, a})), status_code::permission_denied);
  close(h);
  EXPECT_EQ(read_host_file(host("f")), "keep");
  EXPECT_TRUE(std::filesystem::is_directory(host("d")));
  EXPECT_FALSE(std::filesystem::exists(host("new")));
}

INSTANTIATE_TEST_SUITE_P(BothResolvers, LocalFilesystemRequests,
                         ::testing::Values(path_resolution::automatic, path_resolution::userspace_walk),
                         resolver_name);

}  // namespace
}  // namespace sshlib::sftp::test
