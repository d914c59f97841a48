// local_filesystem itself: opening the root, the VERSION it announces, the dispatcher (with
// the read-only policy), the handle table and the STATUS replies.
#include "sftp/sftp_local_filesystem.hpp"

#include "sftp/sftp_local_filesystem_detail.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <type_traits>

namespace sshlib::sftp {

using namespace local_fs;

result<local_filesystem> local_filesystem::open(const std::string& root,
                                                local_filesystem_options options) {
  unique_fd fd{::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (!fd) {
    auto e = last_system_error();
    e.detail = "cannot open the SFTP root " + root;
    return e;
  }
  bool use_openat2 =
      options.resolution == path_resolution::automatic && kernel_has_openat2(fd.get());
  auto s = std::make_unique<state>(
      state{confined_root{std::move(fd), use_openat2}, options, {}, 1});
  return local_filesystem{std::move(s)};
}

local_filesystem::local_filesystem(std::unique_ptr<state> s) noexcept : state_(std::move(s)) {}
local_filesystem::local_filesystem(local_filesystem&&) noexcept = default;
local_filesystem& local_filesystem::operator=(local_filesystem&&) noexcept = default;
local_filesystem::~local_filesystem() = default;

protocol::version_response local_filesystem::version() {
  // Names and versions as OpenSSH's sftp-server announces them (PROTOCOL section 4).
  return protocol::version_response{
      protocol_version,
      {
          {"posix-rename@openssh.com", "1"},
          {"statvfs@openssh.com", "2"},
          {"fstatvfs@openssh.com", "2"},
          {"hardlink@openssh.com", "1"},
          {"fsync@openssh.com", "1"},
          {"lsetstat@openssh.com", "1"},
          {"limits@openssh.com", "1"},
          {"expand-path@openssh.com", "1"},
          {"copy-data", "1"},
          {"home-directory", "1"},
          {"users-groups-by-id@openssh.com", "1"},
      }};
}

std::size_t local_filesystem::open_handles() const noexcept { return state_->handles.size(); }

namespace {

template <class T, class... U>
inline constexpr bool is_one_of = (std::is_same_v<T, U> || ...);

// Requests that change the tree, refused in read-only mode. fsync counts, as in OpenSSH:
// it is only useful after writing.
template <class T>
inline constexpr bool changes_tree =
    is_one_of<T, protocol::write_request, protocol::setstat_request, protocol::fsetstat_request,
              protocol::remove_request, protocol::mkdir_request, protocol::rmdir_request,
              protocol::rename_request, protocol::symlink_request, protocol::posix_rename_request,
              protocol::hardlink_request, protocol::fsync_request, protocol::lsetstat_request,
              protocol::copy_data_request>;

bool opens_for_change(const protocol::open_request& r) {
  // Anything beyond reading (write, append, create, truncate, exclusive) changes the tree.
  return (static_cast<std::uint32_t>(r.flags) & ~static_cast<std::uint32_t>(open_mode::read)) != 0;
}

}  // namespace

protocol::response local_filesystem::handle(const protocol::request& request) {
  return std::visit(
      [this](const auto& r) -> protocol::response {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, protocol::init_request>) {
          return version();
        } else if constexpr (std::is_same_v<T, protocol::extended_request>) {
          return status(r.id, status_code::op_unsupported,
                        "unsupported extended request \"" + r.name + "\"");
        } else {
          bool refused = changes_tree<T>;
          if constexpr (std::is_same_v<T, protocol::open_request>) refused = opens_for_change(r);
          if (state_->options.read_only && refused) {
            return status(r.id, status_code::permission_denied, "read-only file system");
          }
          return serve(*state_, r);
        }
      },
      request);
}

}  // namespace sshlib::sftp

namespace sshlib::sftp::local_fs {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

sshlib::error system_error(int errno_value) {
  return sshlib::error{boost::system::error_code(errno_value, boost::system::system_category())};
}

// Handles are a 4-byte big-endian counter: short, opaque, and never an address. The counter
// is not reused while a handle with that number is open, so a stale handle does not reach a
// newer file unless 2^32 opens happen in one session.
std::optional<bytes> add_handle(fs_state& s, open_handle h) {
  if (s.handles.size() >= s.options.max_open_handles) return std::nullopt;
  while (s.handles.count(s.next_handle) != 0) ++s.next_handle;
  std::uint32_t n = s.next_handle++;
  s.handles.emplace(n, std::move(h));
  return bytes{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
               static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

std::optional<std::uint32_t> handle_number(const bytes& handle) {
  if (handle.size() != 4) return std::nullopt;
  return (std::uint32_t{handle[0]} << 24) | (std::uint32_t{handle[1]} << 16) |
         (std::uint32_t{handle[2]} << 8) | std::uint32_t{handle[3]};
}

namespace {
open_handle* find_handle(fs_state& s, const bytes& handle) {
  auto n = handle_number(handle);
  if (!n) return nullptr;
  auto it = s.handles.find(*n);
  return it == s.handles.end() ? nullptr : &it->second;
}
}  // namespace

open_file* find_file(fs_state& s, const bytes& handle) {
  auto* h = find_handle(s, handle);
  return h == nullptr ? nullptr : std::get_if<open_file>(h);
}

open_directory* find_directory(fs_state& s, const bytes& handle) {
  auto* h = find_handle(s, handle);
  return h == nullptr ? nullptr : std::get_if<open_directory>(h);
}

int handle_fd(fs_state& s, const bytes& handle) {
  if (auto* f = find_file(s, handle)) return f->fd.get();
  if (auto* d = find_directory(s, handle)) return ::dirfd(d->dir.get());
  return -1;
}

protocol::response status(std::uint32_t id, status_code code, std::string message) {
  return protocol::status_response{id, code, std::move(message), "en"};
}

protocol::response ok(std::uint32_t id) { return status(id, status_code::ok, "Success"); }

protocol::response invalid_handle(std::uint32_t id) {
  // OpenSSH answers an unknown handle with FAILURE, not NO_SUCH_FILE: the file may exist.
  return status(id, status_code::failure, "invalid handle");
}

protocol::response status_from_errno(std::uint32_t id, int errno_value) {
  status_code code = status_code::failure;
  switch (errno_value) {
    case 0: return ok(id);
    case ENOENT: case ENOTDIR: case EBADF: case ELOOP: code = status_code::no_such_file; break;
    case EPERM: case EACCES: case EFAULT: code = status_code::permission_denied; break;
    case ENAMETOOLONG: case EINVAL: code = status_code::bad_message; break;
    case ENOSYS: code = status_code::op_unsupported; break;
    default: break;
  }
  return status(id, code, std::generic_category().message(errno_value));
}

protocol::response status_from(std::uint32_t id, const sshlib::error& e) {
  if (e.code.category() == boost::system::system_category()) {
    return status_from_errno(id, e.code.value());
  }
  return status(id, status_code::failure, e.message());
}

}  // namespace sshlib::sftp::local_fs
