// Confinement: every client path is opened relative to the root fd, with symbolic links
// resolved as if the root were "/". The kernel does it with openat2(RESOLVE_IN_ROOT); where
// openat2 is missing (Linux < 5.6, some seccomp filters) we walk the path ourselves.
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

namespace sshlib::sftp::local_fs {

namespace {

// Linux's own limit on links followed in one lookup (MAXSYMLINKS).
constexpr int max_links = 40;
// Directories the walk keeps open at once (one fd each, to go back up for ".." without
// trusting the directory's own ".."); a deeper path fails with ENAMETOOLONG.
constexpr std::size_t max_walk_depth = 256;
// openat2 gives EAGAIN when a rename raced with its ".." checks; a few tries absorb that.
constexpr int openat2_attempts = 4;

bool has_nul(std::string_view path) { return path.find('\0') != std::string_view::npos; }

long raw_openat2(int dirfd, const char* path, int flags, mode_t mode, std::uint64_t resolve) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? mode : 0;
  how.resolve = resolve;
  return ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

constexpr std::uint64_t confined = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

// Splits at "/" dropping empty and "." components; ".." is kept for the walk to handle.
std::deque<std::string> components(std::string_view path) {
  std::deque<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (!c.empty() && c != ".") out.emplace_back(c);
    i = j + 1;
  }
  return out;
}

result<std::string> read_link_text(int link_fd) {
  std::string text(4096, '\0');
  ssize_t n = ::readlinkat(link_fd, "", text.data(), text.size());
  if (n < 0) return last_system_error();
  if (static_cast<std::size_t>(n) >= text.size()) return system_error(ENAMETOOLONG);
  text.resize(static_cast<std::size_t>(n));
  return text;
}

}  // namespace

bool kernel_has_openat2(int root_fd) {
  long fd = raw_openat2(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, confined);
  if (fd >= 0) {
    ::close(static_cast<int>(fd));
    return true;
  }
  // ENOSYS: an old kernel; EPERM: a seccomp filter that does not know the call.
  return errno != ENOSYS && errno != EPERM;
}

result<unique_fd> confined_root::open(std::string_view path, int flags, mode_t mode) const {
  if (has_nul(path)) return system_error(EINVAL);
  return use_openat2_ ? open_with_openat2(path, flags, mode) : open_by_walk(path, flags, mode);
}

result<unique_fd> confined_root::open_with_openat2(std::string_view path, int flags,
                                                   mode_t mode) const {
  std::string p(path);
  for (int attempt = 0;; ++attempt) {
    long fd = raw_openat2(root_.get(), p.c_str(), flags | O_CLOEXEC, mode, confined);
    if (fd >= 0) return unique_fd{static_cast<int>(fd)};
    if (errno != EAGAIN || attempt + 1 == openat2_attempts) return last_system_error();
  }
}

result<parent_entry> confined_root::parent(std::string_view path) const {
  if (has_nul(path)) return system_error(EINVAL);
  if (!use_openat2_) return walk(path, false);

  std::string_view p = path;
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  std::size_t slash = p.rfind('/');
  std::string_view name = slash == std::string_view::npos ? p : p.substr(slash + 1);
  std::string_view dir = slash == std::string_view::npos ? std::string_view(".")
                         : slash == 0                    ? std::string_view("/")
                                                         : p.substr(0, slash);
  if (name.empty() || name == "." || name == "..") {
    // The path names a directory by itself ("/", "a/.."): the kernel resolves it whole.
    auto d = open_with_openat2(path, O_PATH | O_DIRECTORY, 0);
    if (!d) return d.error();
    return parent_entry{std::move(*d), {}};
  }
  auto d = open_with_openat2(dir, O_PATH | O_DIRECTORY, 0);
  if (!d) return d.error();
  return parent_entry{std::move(*d), std::string(name)};
}

// The userspace resolver: from the root, one component at a time, each opened O_PATH |
// O_NOFOLLOW relative to the directory fd before it. A link's text is read and spliced into
// the components still to walk; an absolute one restarts at the root. ".." pops our own
// stack of directory fds, so it can never rise above the root whatever the tree does.
result<parent_entry> confined_root::walk(std::string_view path, bool follow_last) const {
  if (path.empty()) return system_error(ENOENT);
  std::vector<unique_fd> dirs;
  auto reset_to_root = [&]() -> result<void> {
    dirs.clear();
    unique_fd r{::openat(root_.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC)};
    if (!r) return last_system_error();
    dirs.push_back(std::move(r));
    return {};
  };
  if (auto r = reset_to_root(); !r) return r.error();

  std::deque<std::string> todo = components(path);
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    if (name == "..") {
      if (dirs.size() > 1) dirs.pop_back();
      continue;
    }
    bool last = todo.empty();
    if (last && !follow_last) return parent_entry{std::move(dirs.back()), std::move(name)};

    unique_fd next{::openat(dirs.back().get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC)};
    if (!next) {
      // A missing last component is for the caller to create or to report.
      if (last && errno == ENOENT) return parent_entry{std::move(dirs.back()), std::move(name)};
      return last_system_error();
    }
    struct stat st {};
    if (::fstatat(next.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
      return last_system_error();
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > max_links) return system_error(ELOOP);
      auto text = read_link_text(next.get());
      if (!text) return text.error();
      if (text->empty()) return system_error(ENOENT);
      if (text->front() == '/') {
        if (auto r = reset_to_root(); !r) return r.error();
      }
      auto more = components(*text);
      todo.insert(todo.begin(), more.begin(), more.end());
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (dirs.size() >= max_walk_depth) return system_error(ENAMETOOLONG);
      dirs.push_back(std::move(next));
      continue;
    }
    if (!last) return system_error(ENOTDIR);
    return parent_entry{std::move(dirs.back()), std::move(name)};
  }
  return parent_entry{std::move(dirs.back()), {}};
}

result<unique_fd> confined_root::open_by_walk(std::string_view path, int flags,
                                              mode_t mode) const {
  bool follow = (flags & O_NOFOLLOW) == 0;
  auto where = walk(path, follow);
  if (!where) return where.error();
  if (where->name.empty()) {
    // The path ended on a directory: open it through "." (creating it is not ours to do).
    if ((flags & O_CREAT) != 0 && (flags & O_EXCL) != 0) return system_error(EEXIST);
    int f = (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_TRUNC)) | O_CLOEXEC;
    unique_fd fd{::openat(where->dir.get(), ".", f)};
    if (!fd) return last_system_error();
    return fd;
  }
  // O_NOFOLLOW even when following: the walk resolved every link, so a link here means
  // someone swapped one in since; the open then fails with ELOOP instead of escaping.
  unique_fd fd{::openat(where->dir.get(), where->name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode)};
  if (!fd) return last_system_error();
  if (follow && (flags & O_PATH) != 0) {
    // O_PATH | O_NOFOLLOW opens a swapped-in link itself rather than failing: refuse it.
    struct stat st {};
    if (::fstatat(fd.get(), "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
      return last_system_error();
    }
    if (S_ISLNK(st.st_mode)) return system_error(ELOOP);
  }
  return fd;
}

std::string client_canonical_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    i = j + 1;
  }
  if (parts.empty()) return "/";
  std::string out;
  for (auto c : parts) {
    out += '/';
    out += c;
  }
  return out;
}

}  // namespace sshlib::sftp::local_fs
