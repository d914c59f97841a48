// Requests on files: OPEN (draft section 6.3), CLOSE, READ and WRITE (6.4), FSTAT (6.8),
// FSETSTAT (6.9), and OpenSSH's fsync, fstatvfs and copy-data (PROTOCOL 4.4, 4.6, 4.10).
#include "sftp/sftp_limits.hpp"
#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>

namespace sshlib::sftp::local_fs {

namespace {

constexpr std::uint64_t max_offset = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());

int open_flags(open_mode m) {
  bool r = has_flag(m, open_mode::read);
  bool w = has_flag(m, open_mode::write);
  int flags = r && w ? O_RDWR : w ? O_WRONLY : O_RDONLY;
  if (has_flag(m, open_mode::append)) flags |= O_APPEND;
  if (has_flag(m, open_mode::create)) flags |= O_CREAT;
  if (has_flag(m, open_mode::truncate)) flags |= O_TRUNC;
  if (has_flag(m, open_mode::exclusive)) flags |= O_EXCL;
  return flags;
}

// Reads up to `size` bytes at `offset`, short only at end of file.
result<std::size_t> read_fully(int fd, std::uint8_t* out, std::size_t size, std::uint64_t offset) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out + got, size - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (got > 0) break;  // report what was read; the error comes back on the next READ
      return last_system_error();
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

result<void> write_fully(int fd, const std::uint8_t* data, std::size_t size, std::uint64_t offset) {
  if (offset > max_offset - size) return system_error(EFBIG);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_system_error();
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

int access_mode(int fd) { return ::fcntl(fd, F_GETFL) & O_ACCMODE; }

}  // namespace

protocol::response serve(fs_state& s, const protocol::open_request& r) {
  // Checked before opening, so that a refused OPEN creates and truncates nothing.
  if (s.handles.size() >= s.options.max_open_handles) {
    return status(r.id, status_code::failure, "too many open handles (the limit is " +
                                                  std::to_string(s.options.max_open_handles) + ")");
  }
  mode_t mode = r.attrs.permissions ? static_cast<mode_t>(*r.attrs.permissions & 07777) : 0666;
  // O_NONBLOCK so that opening a FIFO cannot block the server; no effect on regular files.
  auto fd = s.root.open(r.path, open_flags(r.flags) | O_NOCTTY | O_NONBLOCK, mode);
  if (!fd) return status_from(r.id, fd);
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return status_from_errno(r.id, errno);
  if (!S_ISREG(st.st_mode)) return status(r.id, status_code::failure, "not a regular file");
  auto handle = add_handle(s, open_file{std::move(*fd)});
  if (!handle) return status(r.id, status_code::failure, "too many open handles");
  return protocol::handle_response{r.id, std::move(*handle)};
}

protocol::response serve(fs_state& s, const protocol::close_request& r) {
  auto n = handle_number(r.handle);
  auto it = n ? s.handles.find(*n) : s.handles.end();
  if (it == s.handles.end()) return invalid_handle(r.id);
  int err = 0;
  if (auto* f = std::get_if<open_file>(&it->second)) {
    // close(2) errors are reported, as OpenSSH does: NFS reports failed write-back there.
    if (::close(f->fd.release()) != 0) err = errno;
  }
  s.handles.erase(it);
  return err == 0 ? ok(r.id) : status_from_errno(r.id, err);
}

protocol::response serve(fs_state& s, const protocol::read_request& r) {
  auto* f = find_file(s, r.handle);
  if (f == nullptr) return invalid_handle(r.id);
  std::size_t want = std::min<std::size_t>(r.length, protocol::limits::max_data_length);
  if (r.offset > max_offset - want) return status(r.id, status_code::eof, "End of file");
  bytes data(want);
  auto got = read_fully(f->fd.get(), data.data(), want, r.offset);
  if (!got) return status_from(r.id, got);
  if (*got == 0) return status(r.id, status_code::eof, "End of file");
  data.resize(*got);
  return protocol::data_response{r.id, std::move(data)};
}

protocol::response serve(fs_state& s, const protocol::write_request& r) {
  auto* f = find_file(s, r.handle);
  if (f == nullptr) return invalid_handle(r.id);
  auto done = write_fully(f->fd.get(), r.data.data(), r.data.size(), r.offset);
  return done ? ok(r.id) : status_from(r.id, done);
}

protocol::response serve(fs_state& s, const protocol::fstat_request& r) {
  int fd = handle_fd(s, r.handle);
  if (fd < 0) return invalid_handle(r.id);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return status_from_errno(r.id, errno);
  return protocol::attrs_response{r.id, attributes_from(st)};
}

protocol::response serve(fs_state& s, const protocol::fsetstat_request& r) {
  int fd = handle_fd(s, r.handle);
  if (fd < 0) return invalid_handle(r.id);
  // An fd opened for I/O truncates itself; the reopen callback is never called.
  auto done = set_attributes(fd, false, r.attrs, [] { return result<unique_fd>(system_error(EBADF)); });
  return done ? ok(r.id) : status_from(r.id, done);
}

protocol::response serve(fs_state& s, const protocol::fsync_request& r) {
  auto* f = find_file(s, r.handle);
  if (f == nullptr) return invalid_handle(r.id);
  if (::fsync(f->fd.get()) != 0) return status_from_errno(r.id, errno);
  return ok(r.id);
}

protocol::response serve(fs_state& s, const protocol::fstatvfs_request& r) {
  int fd = handle_fd(s, r.handle);
  if (fd < 0) return invalid_handle(r.id);
  return statvfs_reply(r.id, fd);
}

protocol::response serve(fs_state& s, const protocol::copy_data_request& r) {
  auto* from = find_file(s, r.read_handle);
  auto* to = find_file(s, r.write_handle);
  if (from == nullptr || to == nullptr) return invalid_handle(r.id);
  if (access_mode(from->fd.get()) == O_WRONLY) {
    return status(r.id, status_code::failure, "copy-data: the read handle is not open for reading");
  }
  if (access_mode(to->fd.get()) == O_RDONLY) {
    return status(r.id, status_code::failure, "copy-data: the write handle is not open for writing");
  }
  // A copy within one file whose ranges overlap would read its own output.
  if (r.read_handle == r.write_handle) {
    auto end_of = [&](std::uint64_t start) {
      return r.read_length == 0 || start > max_offset - r.read_length ? max_offset
                                                                       : start + r.read_length;
    };
    std::uint64_t read_end = end_of(r.read_offset);
    std::uint64_t write_end = end_of(r.write_offset);
    if (r.read_offset < write_end && r.write_offset < read_end) {
      return status(r.id, status_code::failure, "copy-data: overlapping ranges in one file");
    }
  }
  constexpr std::size_t chunk = 64 * 1024;
  bytes buf(chunk);
  std::uint64_t copied = 0;
  // read_length 0 means "to the end of the file".
  while (r.read_length == 0 || copied < r.read_length) {
    std::size_t want = chunk;
    if (r.read_length != 0) {
      want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, r.read_length - copied));
    }
    if (r.read_offset > max_offset - copied - want) return status_from_errno(r.id, EINVAL);
    auto got = read_fully(from->fd.get(), buf.data(), want, r.read_offset + copied);
    if (!got) return status_from(r.id, got);
    if (*got == 0) break;
    auto done = write_fully(to->fd.get(), buf.data(), *got, r.write_offset + copied);
    if (!done) return status_from(r.id, done);
    copied += *got;
  }
  return ok(r.id);
}

}  // namespace sshlib::sftp::local_fs
