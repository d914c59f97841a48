// OPENDIR and READDIR (draft section 6.7), and the `ls -l` line of each NAME entry.
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace sshlib::sftp::local_fs {

namespace {

// Entries per NAME, as OpenSSH's sftp-server sends: small enough for any packet cap, large
// enough that a listing takes few round trips.
constexpr std::size_t entries_per_readdir = 100;

char type_letter(mode_t m) {
  if (S_ISDIR(m)) return 'd';
  if (S_ISLNK(m)) return 'l';
  if (S_ISCHR(m)) return 'c';
  if (S_ISBLK(m)) return 'b';
  if (S_ISFIFO(m)) return 'p';
  if (S_ISSOCK(m)) return 's';
  if (S_ISREG(m)) return '-';
  return '?';
}

// "drwxr-xr-x", with s/S and t/T for the set-id and sticky bits.
std::string mode_string(mode_t m) {
  std::string out(10, '-');
  out[0] = type_letter(m);
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    if ((m & (0400u >> i)) != 0) out[static_cast<std::size_t>(i) + 1] = rwx[i];
  }
  auto special = [&](std::size_t at, mode_t bit, char exec_set, char exec_clear) {
    if ((m & bit) != 0) out[at] = out[at] == 'x' ? exec_set : exec_clear;
  };
  special(3, S_ISUID, 's', 'S');
  special(6, S_ISGID, 's', 'S');
  special(9, S_ISVTX, 't', 'T');
  return out;
}

// "Jan 13 18:39" within the last half year, "Jan 13  2024" otherwise, like ls -l.
std::string time_string(time_t mtime) {
  struct tm local {};
  if (::localtime_r(&mtime, &local) == nullptr) return "";
  time_t now = ::time(nullptr);
  bool recent = mtime <= now && now - mtime < 365 * 24 * 60 * 60 / 2;
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, recent ? "%b %e %H:%M" : "%b %e  %Y", &local);
  return std::string(buf, n);
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string long_name(const std::string& filename, const struct stat& st) {
  std::string user = user_name(st.st_uid).value_or(std::to_string(st.st_uid));
  std::string group = group_name(st.st_gid).value_or(std::to_string(st.st_gid));
  char head[64];
  // Columns built piecewise: names can be longer than the minimum widths.
  std::string out = mode_string(st.st_mode);
  std::snprintf(head, sizeof head, " %4lu ", static_cast<unsigned long>(st.st_nlink));
  out += head;
  out += user;
  if (user.size() < 8) out.append(8 - user.size(), ' ');
  out += ' ';
  out += group;
  if (group.size() < 8) out.append(8 - group.size(), ' ');
  std::snprintf(head, sizeof head, " %8lld ", static_cast<long long>(st.st_size));
  out += head;
  out += time_string(st.st_mtime);
  out += ' ';
  out += filename;
  return out;
}

protocol::response serve(fs_state& s, const protocol::opendir_request& r) {
  if (s.handles.size() >= s.options.max_open_handles) {
    return status(r.id, status_code::failure, "too many open handles (the limit is " +
                                                  std::to_string(s.options.max_open_handles) + ")");
  }
  auto fd = s.root.open(r.path, O_RDONLY | O_DIRECTORY);
  if (!fd) return status_from(r.id, fd);
  unique_dir dir{::fdopendir(fd->get())};
  if (!dir) return status_from_errno(r.id, errno);
  fd->release();  // the DIR owns it now
  auto handle = add_handle(s, open_directory{std::move(dir)});
  if (!handle) return status(r.id, status_code::failure, "too many open handles");
  return protocol::handle_response{r.id, std::move(*handle)};
}

protocol::response serve(fs_state& s, const protocol::readdir_request& r) {
  auto* d = find_directory(s, r.handle);
  if (d == nullptr) return invalid_handle(r.id);
  int dfd = ::dirfd(d->dir.get());
  struct stat self {};
  struct stat root {};
  bool is_root = ::fstat(dfd, &self) == 0 && ::fstat(s.root.fd(), &root) == 0 && same_file(self, root);

  protocol::name_response reply{r.id, {}};
  while (reply.entries.size() < entries_per_readdir) {
    errno = 0;
    struct dirent* e = ::readdir(d->dir.get());
    if (e == nullptr) {
      if (errno != 0 && reply.entries.empty()) return status_from_errno(r.id, errno);
      break;
    }
    std::string name = e->d_name;
    struct stat st {};
    if (name == ".." && is_root) {
      st = root;  // the real parent is outside the root: show the root instead
    } else if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;  // gone since readdir, or unreadable: skip it as ls does
    }
    directory_entry entry;
    entry.longname = long_name(name, st);
    entry.filename = std::move(name);
    entry.attrs = attributes_from(st);
    reply.entries.push_back(std::move(entry));
  }
  if (reply.entries.empty()) return status(r.id, status_code::eof, "End of file");
  return reply;
}

}  // namespace sshlib::sftp::local_fs
