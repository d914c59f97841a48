// What the files of local_filesystem share: owned descriptors, the confined path resolver,
// the handle table, and the helpers that turn errno and struct stat into SFTP values.
#pragma once

#include "sftp/sftp_local_filesystem.hpp"

#include <sshlib/result.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sshlib::sftp::local_fs {

/// An owned file descriptor, closed on destruction.
class unique_fd {
public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset(int fd = -1) noexcept;

private:
  int fd_ = -1;
};

struct dir_closer {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using unique_dir = std::unique_ptr<DIR, dir_closer>;

/// A failure carrying errno, for the status mapping (status_from).
sshlib::error system_error(int errno_value);
/// The same with errno as it is now.
inline sshlib::error last_system_error() { return system_error(errno); }

/// A path's last component and the directory that holds it; an empty name means the path
/// names `dir` itself ("/", "a/..", "").
struct parent_entry {
  unique_fd dir;
  std::string name;
};

/// Opens client paths inside the root; see the header comment of sftp_local_filesystem.hpp.
/// Every error is a system_error (ELOOP for too many links, EINVAL for a NUL in a path).
class confined_root {
public:
  confined_root(unique_fd root, bool use_openat2) noexcept
      : root_(std::move(root)), use_openat2_(use_openat2) {}

  int fd() const noexcept { return root_.get(); }

  /// openat(2) of `path` inside the root: every link is followed inside the root, the last
  /// one too unless `flags` has O_NOFOLLOW (with O_PATH that gives an fd of the link).
  /// O_CLOEXEC is added. With O_CREAT, `mode` is the new file's mode.
  result<unique_fd> open(std::string_view path, int flags, mode_t mode = 0) const;

  /// The directory holding path's last component, which is not followed.
  result<parent_entry> parent(std::string_view path) const;

private:
  result<unique_fd> open_with_openat2(std::string_view path, int flags, mode_t mode) const;
  result<parent_entry> walk(std::string_view path, bool follow_last) const;
  result<unique_fd> open_by_walk(std::string_view path, int flags, mode_t mode) const;

  unique_fd root_;
  bool use_openat2_;
};

/// Whether the running kernel has openat2 (probed once on `root`).
bool kernel_has_openat2(int root_fd);

/// The client's view of a path: "/" is the root, "." and ".." resolved lexically and clamped
/// at "/", "" and "." give "/".
std::string client_canonical_path(std::string_view path);

struct open_file {
  unique_fd fd;
};
struct open_directory {
  unique_dir dir;
};
using open_handle = std::variant<open_file, open_directory>;

}  // namespace sshlib::sftp::local_fs

namespace sshlib::sftp {

struct local_filesystem::state {
  local_fs::confined_root root;
  local_filesystem_options options;
  std::map<std::uint32_t, local_fs::open_handle> handles;
  std::uint32_t next_handle = 1;
};

}  // namespace sshlib::sftp

namespace sshlib::sftp::local_fs {

using fs_state = local_filesystem::state;

// --- handle table (sftp_local_filesystem.cpp) -----------------------------------------------

/// Adds an open file or directory; nullopt when max_open_handles are open.
std::optional<bytes> add_handle(fs_state& s, open_handle h);
/// The number a handle carries; nullopt when it is not one of ours in shape.
std::optional<std::uint32_t> handle_number(const bytes& handle);
open_file* find_file(fs_state& s, const bytes& handle);
open_directory* find_directory(fs_state& s, const bytes& handle);
/// The fd of a file or directory handle; -1 when the handle is unknown.
int handle_fd(fs_state& s, const bytes& handle);

// --- replies (sftp_local_filesystem.cpp) -----------------------------------------------------

protocol::response status(std::uint32_t id, status_code code, std::string message);
protocol::response ok(std::uint32_t id);
protocol::response invalid_handle(std::uint32_t id);
/// errno mapped as OpenSSH's sftp-server does, with strerror's text.
protocol::response status_from_errno(std::uint32_t id, int errno_value);
/// A system_error through status_from_errno, anything else as failure with its message.
protocol::response status_from(std::uint32_t id, const sshlib::error& e);
template <class T>
protocol::response status_from(std::uint32_t id, const result<T>& r) {
  return status_from(id, r.error());
}

file_attributes attributes_from(const struct stat& st);

/// The EXTENDED_REPLY to (f)statvfs@openssh.com for the file system holding `fd`.
protocol::response statvfs_reply(std::uint32_t id, int fd);

/// Applies SETSTAT's attributes in OpenSSH's order (size, permissions, times, owner) to
/// `fd`, an fd opened for I/O or (fd_is_o_path) an O_PATH fd. `open_for_truncate` gives a
/// writable fd of the same file when the size is set through an O_PATH fd.
template <class Reopen>
result<void> set_attributes(int fd, bool fd_is_o_path, const file_attributes& attrs,
                            Reopen&& open_for_truncate);
result<void> truncate_fd(int fd, std::uint64_t size);
result<void> chmod_fd(int fd, bool fd_is_o_path, mode_t mode);
result<void> set_times_fd(int fd, bool fd_is_o_path, std::uint32_t atime, std::uint32_t mtime);
result<void> chown_fd(int fd, std::uint32_t uid, std::uint32_t gid);

template <class Reopen>
result<void> set_attributes(int fd, bool fd_is_o_path, const file_attributes& attrs,
                            Reopen&& open_for_truncate) {
  if (attrs.size) {
    if (fd_is_o_path) {
      auto writable = open_for_truncate();
      if (!writable) return writable.error();
      if (auto r = truncate_fd(writable->get(), *attrs.size); !r) return r;
    } else if (auto r = truncate_fd(fd, *attrs.size); !r) {
      return r;
    }
  }
  if (attrs.permissions) {
    if (auto r = chmod_fd(fd, fd_is_o_path, *attrs.permissions & 07777); !r) return r;
  }
  if (attrs.atime && attrs.mtime) {
    if (auto r = set_times_fd(fd, fd_is_o_path, *attrs.atime, *attrs.mtime); !r) return r;
  }
  if (attrs.uid && attrs.gid) {
    if (auto r = chown_fd(fd, *attrs.uid, *attrs.gid); !r) return r;
  }
  return {};
}

/// User and group names for ids; nullopt when the id has no entry.
std::optional<std::string> user_name(std::uint32_t uid);
std::optional<std::string> group_name(std::uint32_t gid);

// --- one handler per request (the files named after their family) ---------------------------

// sftp_local_filesystem_files.cpp: requests on open files.
protocol::response serve(fs_state&, const protocol::open_request&);
protocol::response serve(fs_state&, const protocol::close_request&);
protocol::response serve(fs_state&, const protocol::read_request&);
protocol::response serve(fs_state&, const protocol::write_request&);
protocol::response serve(fs_state&, const protocol::fstat_request&);
protocol::response serve(fs_state&, const protocol::fsetstat_request&);
protocol::response serve(fs_state&, const protocol::fsync_request&);
protocol::response serve(fs_state&, const protocol::fstatvfs_request&);
protocol::response serve(fs_state&, const protocol::copy_data_request&);

// sftp_local_filesystem_paths.cpp: requests naming a path.
protocol::response serve(fs_state&, const protocol::lstat_request&);
protocol::response serve(fs_state&, const protocol::stat_request&);
protocol::response serve(fs_state&, const protocol::setstat_request&);
protocol::response serve(fs_state&, const protocol::lsetstat_request&);
protocol::response serve(fs_state&, const protocol::statvfs_request&);
protocol::response serve(fs_state&, const protocol::readlink_request&);

// sftp_local_filesystem_changes.cpp: requests that create, remove or rename names.
protocol::response serve(fs_state&, const protocol::remove_request&);
protocol::response serve(fs_state&, const protocol::mkdir_request&);
protocol::response serve(fs_state&, const protocol::rmdir_request&);
protocol::response serve(fs_state&, const protocol::rename_request&);
protocol::response serve(fs_state&, const protocol::posix_rename_request&);
protocol::response serve(fs_state&, const protocol::symlink_request&);
protocol::response serve(fs_state&, const protocol::hardlink_request&);

// sftp_local_filesystem_dirs.cpp: OPENDIR, READDIR and the ls -l line.
protocol::response serve(fs_state&, const protocol::opendir_request&);
protocol::response serve(fs_state&, const protocol::readdir_request&);
std::string long_name(const std::string& filename, const struct stat& st);

// sftp_local_filesystem_info.cpp: answers about names rather than files.
protocol::response serve(fs_state&, const protocol::realpath_request&);
protocol::response serve(fs_state&, const protocol::expand_path_request&);
protocol::response serve(fs_state&, const protocol::home_directory_request&);
protocol::response serve(fs_state&, const protocol::limits_request&);
protocol::response serve(fs_state&, const protocol::users_groups_by_id_request&);

}  // namespace sshlib::sftp::local_fs
