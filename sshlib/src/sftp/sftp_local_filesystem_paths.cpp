// Requests that look at or change one path's attributes: LSTAT and STAT (draft section 6.8),
// SETSTAT (6.9), READLINK (6.10), lsetstat@openssh.com and statvfs@openssh.com (PROTOCOL
// 4.7, 4.4). Each opens the path O_PATH inside the root (following the final link or not)
// and acts on that fd, so the object checked is the object changed.
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

namespace sshlib::sftp::local_fs {

namespace {

protocol::response stat_reply(fs_state& s, std::uint32_t id, const std::string& path, int nofollow) {
  auto fd = s.root.open(path, O_PATH | nofollow);
  if (!fd) return status_from(id, fd);
  struct stat st {};
  if (::fstatat(fd->get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
    return status_from_errno(id, errno);
  }
  return protocol::attrs_response{id, attributes_from(st)};
}

protocol::response setstat_reply(fs_state& s, std::uint32_t id, const std::string& path,
                                 const file_attributes& attrs, int nofollow) {
  auto fd = s.root.open(path, O_PATH | nofollow);
  if (!fd) return status_from(id, fd);
  // Truncating needs a writable fd; it is opened the same confined way. O_NONBLOCK keeps a
  // FIFO from blocking the server (truncating one then fails, as it should).
  auto writable = [&] { return s.root.open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | nofollow); };
  auto done = set_attributes(fd->get(), true, attrs, writable);
  return done ? ok(id) : status_from(id, done);
}

}  // namespace

protocol::response serve(fs_state& s, const protocol::lstat_request& r) {
  return stat_reply(s, r.id, r.path, O_NOFOLLOW);
}

protocol::response serve(fs_state& s, const protocol::stat_request& r) {
  return stat_reply(s, r.id, r.path, 0);
}

protocol::response serve(fs_state& s, const protocol::setstat_request& r) {
  return setstat_reply(s, r.id, r.path, r.attrs, 0);
}

protocol::response serve(fs_state& s, const protocol::lsetstat_request& r) {
  return setstat_reply(s, r.id, r.path, r.attrs, O_NOFOLLOW);
}

protocol::response serve(fs_state& s, const protocol::statvfs_request& r) {
  auto fd = s.root.open(r.path, O_PATH);
  if (!fd) return status_from(r.id, fd);
  return statvfs_reply(r.id, fd->get());
}

protocol::response statvfs_reply(std::uint32_t id, int fd) {
  struct statvfs v {};
  if (::fstatvfs(fd, &v) != 0) return status_from_errno(id, errno);
  fs_info info;
  info.block_size = v.f_bsize;
  info.fragment_size = v.f_frsize;
  info.blocks = v.f_blocks;
  info.blocks_free = v.f_bfree;
  info.blocks_available = v.f_bavail;
  info.files = v.f_files;
  info.files_free = v.f_ffree;
  info.files_available = v.f_favail;
  info.fsid = v.f_fsid;
  info.flags = ((v.f_flag & ST_RDONLY) != 0 ? fs_info::flag_read_only : 0) |
               ((v.f_flag & ST_NOSUID) != 0 ? fs_info::flag_no_suid : 0);
  info.name_max = v.f_namemax;
  auto body = protocol::encode_extended_reply(info);
  if (!body) return status(id, status_code::failure, body.error().message());
  return protocol::extended_reply{id, std::move(*body)};
}

protocol::response serve(fs_state& s, const protocol::readlink_request& r) {
  auto fd = s.root.open(r.path, O_PATH | O_NOFOLLOW);
  if (!fd) return status_from(r.id, fd);
  // readlinkat(fd, "") says ENOENT for a file that is not a link; readlink(2) says EINVAL.
  struct stat st {};
  if (::fstatat(fd->get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
    return status_from_errno(r.id, errno);
  }
  if (!S_ISLNK(st.st_mode)) return status_from_errno(r.id, EINVAL);
  // The text as stored, even when it points outside the root: it is only a string, and
  // every later use resolves it inside the root.
  std::string text(4096, '\0');
  ssize_t n = ::readlinkat(fd->get(), "", text.data(), text.size());
  if (n < 0) return status_from_errno(r.id, errno);
  if (static_cast<std::size_t>(n) >= text.size()) return status_from_errno(r.id, ENAMETOOLONG);
  text.resize(static_cast<std::size_t>(n));
  directory_entry e;
  e.filename = text;
  e.longname = std::move(text);
  return protocol::name_response{r.id, {std::move(e)}};
}

}  // namespace sshlib::sftp::local_fs
