// Requests that create, remove or rename names: REMOVE and RENAME (draft section 6.5),
// MKDIR and RMDIR (6.6), SYMLINK (6.10), posix-rename@openssh.com and hardlink@openssh.com
// (PROTOCOL 4.3, 4.5). Each acts on the last component with an *at() call on an fd of its
// parent, so a final symbolic link is the link itself, never its target.
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <cerrno>

namespace sshlib::sftp::local_fs {

namespace {

// The parent and a real last component; a path that names a directory by itself ("/",
// "a/..") has none, and creating, removing or renaming it is refused with `if_none`.
result<parent_entry> named_parent(fs_state& s, const std::string& path, int if_none) {
  auto p = s.root.parent(path);
  if (!p) return p;
  if (p->name.empty()) return system_error(if_none);
  return p;
}

protocol::response reply(std::uint32_t id, int rc) {
  return rc == 0 ? ok(id) : status_from_errno(id, errno);
}

}  // namespace

protocol::response serve(fs_state& s, const protocol::remove_request& r) {
  auto p = named_parent(s, r.path, EISDIR);
  if (!p) return status_from(r.id, p);
  return reply(r.id, ::unlinkat(p->dir.get(), p->name.c_str(), 0));
}

protocol::response serve(fs_state& s, const protocol::mkdir_request& r) {
  auto p = named_parent(s, r.path, EEXIST);
  if (!p) return status_from(r.id, p);
  mode_t mode = r.attrs.permissions ? static_cast<mode_t>(*r.attrs.permissions & 07777) : 0777;
  return reply(r.id, ::mkdirat(p->dir.get(), p->name.c_str(), mode));
}

protocol::response serve(fs_state& s, const protocol::rmdir_request& r) {
  auto p = named_parent(s, r.path, EBUSY);
  if (!p) return status_from(r.id, p);
  return reply(r.id, ::unlinkat(p->dir.get(), p->name.c_str(), AT_REMOVEDIR));
}

protocol::response serve(fs_state& s, const protocol::rename_request& r) {
  auto from = named_parent(s, r.old_path, EBUSY);
  if (!from) return status_from(r.id, from);
  auto to = named_parent(s, r.new_path, EBUSY);
  if (!to) return status_from(r.id, to);
  // SFTP v3's RENAME must not replace an existing target (OpenSSH's does not either);
  // RENAME_NOREPLACE makes the check and the rename one step.
  int rc = ::renameat2(from->dir.get(), from->name.c_str(), to->dir.get(), to->name.c_str(),
                       RENAME_NOREPLACE);
  if (rc != 0 && errno == EINVAL) {
    // File systems without RENAME_NOREPLACE: check, then rename (a small race, as OpenSSH).
    struct stat st {};
    if (::fstatat(to->dir.get(), to->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      return status_from_errno(r.id, EEXIST);
    }
    rc = ::renameat(from->dir.get(), from->name.c_str(), to->dir.get(), to->name.c_str());
  }
  return reply(r.id, rc);
}

protocol::response serve(fs_state& s, const protocol::posix_rename_request& r) {
  auto from = named_parent(s, r.old_path, EBUSY);
  if (!from) return status_from(r.id, from);
  auto to = named_parent(s, r.new_path, EBUSY);
  if (!to) return status_from(r.id, to);
  return reply(r.id, ::renameat(from->dir.get(), from->name.c_str(), to->dir.get(), to->name.c_str()));
}

protocol::response serve(fs_state& s, const protocol::symlink_request& r) {
  // OpenSSH's order (PROTOCOL 4.1), which its sftp client sends: link_path holds the link's
  // text (its target) and target_path the name of the new link.
  const std::string& text = r.link_path;
  if (text.find('\0') != std::string::npos) return status_from_errno(r.id, EINVAL);
  auto p = named_parent(s, r.target_path, EEXIST);
  if (!p) return status_from(r.id, p);
  // The text is stored as given: it may name "/etc" or "../..", and every lookup through it
  // resolves inside the root.
  return reply(r.id, ::symlinkat(text.c_str(), p->dir.get(), p->name.c_str()));
}

protocol::response serve(fs_state& s, const protocol::hardlink_request& r) {
  auto from = named_parent(s, r.old_path, EPERM);
  if (!from) return status_from(r.id, from);
  auto to = named_parent(s, r.new_path, EEXIST);
  if (!to) return status_from(r.id, to);
  // No AT_SYMLINK_FOLLOW: linking a symbolic link links the link, as link(2) does on Linux.
  return reply(r.id, ::linkat(from->dir.get(), from->name.c_str(), to->dir.get(), to->name.c_str(), 0));
}

}  // namespace sshlib::sftp::local_fs
