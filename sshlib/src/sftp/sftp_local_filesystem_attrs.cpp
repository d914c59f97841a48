// ATTRS both ways: struct stat to file_attributes, and the calls that apply SETSTAT's
// fields to an fd (an open file, or an O_PATH fd the resolver gave), plus id-to-name lookups.
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <vector>

namespace sshlib::sftp::local_fs {

file_attributes attributes_from(const struct stat& st) {
  file_attributes a;
  a.size = static_cast<std::uint64_t>(st.st_size);
  a.uid = static_cast<std::uint32_t>(st.st_uid);
  a.gid = static_cast<std::uint32_t>(st.st_gid);
  a.permissions = static_cast<std::uint32_t>(st.st_mode);
  // Version 3 carries 32-bit times, as OpenSSH sends them.
  a.atime = static_cast<std::uint32_t>(st.st_atime);
  a.mtime = static_cast<std::uint32_t>(st.st_mtime);
  return a;
}

result<void> truncate_fd(int fd, std::uint64_t size) {
  if (size > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
    return system_error(EINVAL);
  }
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return last_system_error();
  return {};
}

namespace {
// fchmodat2 (Linux 6.6) is the one call that changes the mode through an O_PATH fd. New
// system calls share one number on every architecture, so it is safe to spell it here for
// headers that predate it.
#ifdef SYS_fchmodat2
constexpr long fchmodat2_number = SYS_fchmodat2;
#else
constexpr long fchmodat2_number = 452;
#endif
}  // namespace

result<void> chmod_fd(int fd, bool fd_is_o_path, mode_t mode) {
  if (!fd_is_o_path) {
    if (::fchmod(fd, mode) != 0) return last_system_error();
    return {};
  }
  if (::syscall(fchmodat2_number, fd, "", mode, AT_EMPTY_PATH) == 0) return {};
  if (errno != ENOSYS) return last_system_error();
  // Older kernels: chmod through the fd's /proc entry, which names this very inode. A link
  // has no mode of its own on Linux, so one is refused as lchmod would be.
  struct stat st {};
  if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) return last_system_error();
  if (S_ISLNK(st.st_mode)) return system_error(EOPNOTSUPP);
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::chmod(proc.c_str(), mode) != 0) return last_system_error();
  return {};
}

result<void> set_times_fd(int fd, bool fd_is_o_path, std::uint32_t atime, std::uint32_t mtime) {
  struct timespec times[2] = {};
  times[0].tv_sec = static_cast<time_t>(atime);
  times[1].tv_sec = static_cast<time_t>(mtime);
  int rc = fd_is_o_path ? ::utimensat(fd, "", times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
                        : ::futimens(fd, times);
  if (rc != 0) return last_system_error();
  return {};
}

result<void> chown_fd(int fd, std::uint32_t uid, std::uint32_t gid) {
  if (::fchownat(fd, "", static_cast<uid_t>(uid), static_cast<gid_t>(gid),
                 AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
    return last_system_error();
  }
  return {};
}

namespace {

// getpwuid_r / getgrgid_r with a buffer that grows on ERANGE, up to 1 MiB (some directory
// services return large group entries).
template <class Entry, class Lookup, class Name>
std::optional<std::string> lookup_name(Lookup lookup, Name name_of) {
  std::vector<char> buf(16 * 1024);
  while (true) {
    Entry entry{};
    Entry* found = nullptr;
    int rc = lookup(&entry, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < 1024 * 1024) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr) return std::nullopt;
    return std::string(name_of(*found));
  }
}

}  // namespace

std::optional<std::string> user_name(std::uint32_t uid) {
  return lookup_name<struct passwd>(
      [uid](struct passwd* e, char* b, std::size_t n, struct passwd** r) {
        return ::getpwuid_r(static_cast<uid_t>(uid), e, b, n, r);
      },
      [](const struct passwd& p) { return p.pw_name; });
}

std::optional<std::string> group_name(std::uint32_t gid) {
  return lookup_name<struct group>(
      [gid](struct group* e, char* b, std::size_t n, struct group** r) {
        return ::getgrgid_r(static_cast<gid_t>(gid), e, b, n, r);
      },
      [](const struct group& g) { return g.gr_name; });
}

}  // namespace sshlib::sftp::local_fs
