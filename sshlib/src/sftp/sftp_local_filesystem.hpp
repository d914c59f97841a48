// The server side's ready filesystem backend: answers decoded SFTP requests (sftp_messages.hpp)
// against a real directory tree confined to one root directory. Sans-IO with respect to SSH:
// a request value in, a response value out; whoever owns the channel (sftp_server) decodes,
// calls handle() and encodes.
//
// BLOCKING: every request is answered with ordinary blocking POSIX calls (open, pread,
// fsync, a copy-data of any length...), on the caller's thread. The server must call it from
// a thread that may block (a worker pool), not from an event loop that serves others.
//
// CONFINEMENT, what is guaranteed:
// - Every client path is taken relative to the root, whether or not it starts with "/";
//   ".." never climbs above the root (it stays at the root, as "/.." does).
// - Every symbolic link met while resolving a path, absolute ("/etc/passwd") or relative
//   ("../../.."), including links the client made with SYMLINK, is resolved as if the root
//   were "/": the kernel does it (openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
//   Linux >= 5.6), or, where openat2 is missing, our own walk from the root one component
//   at a time with O_NOFOLLOW, reading each link's text itself and counting at most 40 links.
// - Requests that must not follow a final link (LSTAT, READLINK, REMOVE, RENAME, hardlink,
//   lsetstat, the new name of SYMLINK and MKDIR) act on the last component with the *at()
//   calls on an fd of its parent directory, so they touch the link itself.
// - Requests that follow a final link (OPEN, STAT, SETSTAT, OPENDIR, statvfs) open the whole
//   path the confined way and then act on the fd they got. /proc/self/fd is used only to
//   chmod through an O_PATH fd on kernels before 6.6 (no fchmodat2).
// - Answers never show a host path: REALPATH is computed lexically in the client's view,
//   and the ".." entry of the root directory listing shows the root's own attributes.
// - OPEN refuses anything but a regular file (a FIFO would block the server thread, a
//   device is not a file to transfer).
//
// What is NOT guaranteed:
// - A hard link inside the root to a file outside it, made by someone with host access,
//   reaches that file (a hard link is the file). So does a bind mount inside the root.
// - Symbolic links are stored as the client wrote them: another program on the host that
//   follows a link the client created will resolve it against the host's "/".
// - Races with other processes that rename directories inside the root can make one
//   request see an unexpected in-root file (never an outside one); openat2 returns EAGAIN
//   after repeated races and the request fails.
// - Ownership and permissions are the server process's: no per-user access checks beyond
//   the kernel's, no quotas, and the process umask applies to created files.
#pragma once

#include "sftp/sftp_messages.hpp"

#include <sshlib/result.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace sshlib::sftp {

/// How the root confines paths. `automatic` uses openat2 when the kernel has it and the
/// userspace walk otherwise; `userspace_walk` forces the walk (so tests run both).
enum class path_resolution { automatic, userspace_walk };

struct local_filesystem_options {
  /// Files and directories open at once; OPEN and OPENDIR beyond it get STATUS failure.
  std::size_t max_open_handles = 256;
  /// Refuse every request that changes the tree (OPEN for writing or creating, SETSTAT,
  /// REMOVE, RENAME, ...) with STATUS permission_denied.
  bool read_only = false;
  path_resolution resolution = path_resolution::automatic;
};

/// Serves SFTP version 3 requests from the directory tree under one root. Not thread-safe:
/// one instance per SFTP session, used from one thread at a time. Movable.
class local_filesystem {
public:
  /// Opens `root`, which must be an existing directory (symbolic links in `root` itself are
  /// followed: it is the administrator's path). Keeps an O_PATH fd of it, so renaming the
  /// root later does not move the confinement. Errors: the system error of open(2) (ENOENT,
  /// ENOTDIR, EACCES), with the path as detail.
  static result<local_filesystem> open(const std::string& root, local_filesystem_options options = {});

  local_filesystem(local_filesystem&&) noexcept;
  local_filesystem& operator=(local_filesystem&&) noexcept;
  ~local_filesystem();

  /// The VERSION answering INIT: version 3 and the extensions handle() serves, with
  /// OpenSSH's version strings.
  static protocol::version_response version();

  /// Answers one request: a STATUS, HANDLE, DATA, NAME, ATTRS or EXTENDED_REPLY carrying the
  /// request's id (a version_response for INIT). Never fails: every error becomes a STATUS
  /// (errno mapped as OpenSSH's sftp-server does, strerror text, language "en"); unknown
  /// extended requests get op_unsupported, unknown or closed handles failure "invalid handle".
  protocol::response handle(const protocol::request& request);

  /// Open handles right now (files and directories).
  std::size_t open_handles() const noexcept;

  struct state;  // defined in sftp_local_filesystem_detail.hpp

private:
  explicit local_filesystem(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> state_;
};

}  // namespace sshlib::sftp
