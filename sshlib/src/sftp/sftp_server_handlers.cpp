// sftp_server_handlers: the defaults (every request answered op_unsupported, as the seed
// answers a request nobody listens to) and the dispatch of a decoded request to its member.
#include "sftp/sftp_server_session.hpp"

#include <type_traits>

namespace sshlib {
namespace protocol = sftp::protocol;

namespace {
void unsupported(sftp_request& r, std::string_view what) {
  (void)r.reply_status(sftp::status_code::op_unsupported,
                       std::string(what) + " is not supported by this server");
}
}  // namespace

void sftp_server_handlers::on_init(std::uint32_t, const extension_list&) {}
void sftp_server_handlers::on_open(sftp_request r, std::string, sftp::open_mode,
                                   sftp::file_attributes) {
  unsupported(r, "OPEN");
}
void sftp_server_handlers::on_read(sftp_request r, bytes, std::uint64_t, std::uint32_t) {
  unsupported(r, "READ");
}
void sftp_server_handlers::on_write(sftp_request r, bytes, std::uint64_t, bytes) {
  unsupported(r, "WRITE");
}
void sftp_server_handlers::on_fstat(sftp_request r, bytes) {
  unsupported(r, "FSTAT");
}
void sftp_server_handlers::on_fsetstat(sftp_request r, bytes, sftp::file_attributes) {
  unsupported(r, "FSETSTAT");
}
void sftp_server_handlers::on_close(sftp_request r, bytes) {
  unsupported(r, "CLOSE");
}
void sftp_server_handlers::on_opendir(sftp_request r, std::string) {
  unsupported(r, "OPENDIR");
}
void sftp_server_handlers::on_readdir(sftp_request r, bytes) {
  unsupported(r, "READDIR");
}
void sftp_server_handlers::on_lstat(sftp_request r, std::string) {
  unsupported(r, "LSTAT");
}
void sftp_server_handlers::on_stat(sftp_request r, std::string) {
  unsupported(r, "STAT");
}
void sftp_server_handlers::on_remove(sftp_request r, std::string) {
  unsupported(r, "REMOVE");
}
void sftp_server_handlers::on_rmdir(sftp_request r, std::string) {
  unsupported(r, "RMDIR");
}
void sftp_server_handlers::on_realpath(sftp_request r, std::string) {
  unsupported(r, "REALPATH");
}
void sftp_server_handlers::on_readlink(sftp_request r, std::string) {
  unsupported(r, "READLINK");
}
void sftp_server_handlers::on_setstat(sftp_request r, std::string, sftp::file_attributes) {
  unsupported(r, "SETSTAT");
}
void sftp_server_handlers::on_mkdir(sftp_request r, std::string, sftp::file_attributes) {
  unsupported(r, "MKDIR");
}
void sftp_server_handlers::on_rename(sftp_request r, std::string, std::string) {
  unsupported(r, "RENAME");
}
void sftp_server_handlers::on_symlink(sftp_request r, std::string, std::string) {
  unsupported(r, "SYMLINK");
}
void sftp_server_handlers::on_posix_rename(sftp_request r, std::string, std::string) {
  unsupported(r, "posix-rename@openssh.com");
}
void sftp_server_handlers::on_statvfs(sftp_request r, std::string) {
  unsupported(r, "statvfs@openssh.com");
}
void sftp_server_handlers::on_fstatvfs(sftp_request r, bytes) {
  unsupported(r, "fstatvfs@openssh.com");
}
void sftp_server_handlers::on_hardlink(sftp_request r, std::string, std::string) {
  unsupported(r, "hardlink@openssh.com");
}
void sftp_server_handlers::on_fsync(sftp_request r, bytes) {
  unsupported(r, "fsync@openssh.com");
}
void sftp_server_handlers::on_lsetstat(sftp_request r, std::string, sftp::file_attributes) {
  unsupported(r, "lsetstat@openssh.com");
}
void sftp_server_handlers::on_limits(sftp_request r) {
  unsupported(r, "limits@openssh.com");
}
void sftp_server_handlers::on_expand_path(sftp_request r, std::string) {
  unsupported(r, "expand-path@openssh.com");
}
void sftp_server_handlers::on_copy_data(sftp_request r, bytes, std::uint64_t, std::uint64_t, bytes,
                                        std::uint64_t) {
  unsupported(r, "copy-data");
}
void sftp_server_handlers::on_home_directory(sftp_request r, std::string) {
  unsupported(r, "home-directory");
}
void sftp_server_handlers::on_users_groups_by_id(sftp_request r, std::vector<std::uint32_t>,
                                                 std::vector<std::uint32_t>) {
  unsupported(r, "users-groups-by-id@openssh.com");
}
void sftp_server_handlers::on_extended(sftp_request r, std::string name, bytes) {
  unsupported(r, name);
}

namespace sftp_detail {

void dispatch(sftp_server_handlers& h, sftp_request r, protocol::request&& request,
              bool openssh_symlink_order) {
  std::visit(
      [&](auto&& q) {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, protocol::init_request>) {
          // The session answers INIT itself and never passes it here.
        } else if constexpr (std::is_same_v<T, protocol::open_request>) {
          h.on_open(std::move(r), std::move(q.path), q.flags, std::move(q.attrs));
        } else if constexpr (std::is_same_v<T, protocol::close_request>) {
          h.on_close(std::move(r), std::move(q.handle));
        } else if constexpr (std::is_same_v<T, protocol::read_request>) {
          h.on_read(std::move(r), std::move(q.handle), q.offset, q.length);
        } else if constexpr (std::is_same_v<T, protocol::write_request>) {
          h.on_write(std::move(r), std::move(q.handle), q.offset, std::move(q.data));
        } else if constexpr (std::is_same_v<T, protocol::lstat_request>) {
          h.on_lstat(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::fstat_request>) {
          h.on_fstat(std::move(r), std::move(q.handle));
        } else if constexpr (std::is_same_v<T, protocol::setstat_request>) {
          h.on_setstat(std::move(r), std::move(q.path), std::move(q.attrs));
        } else if constexpr (std::is_same_v<T, protocol::fsetstat_request>) {
          h.on_fsetstat(std::move(r), std::move(q.handle), std::move(q.attrs));
        } else if constexpr (std::is_same_v<T, protocol::opendir_request>) {
          h.on_opendir(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::readdir_request>) {
          h.on_readdir(std::move(r), std::move(q.handle));
        } else if constexpr (std::is_same_v<T, protocol::remove_request>) {
          h.on_remove(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::mkdir_request>) {
          h.on_mkdir(std::move(r), std::move(q.path), std::move(q.attrs));
        } else if constexpr (std::is_same_v<T, protocol::rmdir_request>) {
          h.on_rmdir(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::realpath_request>) {
          h.on_realpath(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::stat_request>) {
          h.on_stat(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::rename_request>) {
          h.on_rename(std::move(r), std::move(q.old_path), std::move(q.new_path));
        } else if constexpr (std::is_same_v<T, protocol::readlink_request>) {
          h.on_readlink(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::symlink_request>) {
          // On the wire: link_path then target_path by the draft; OpenSSH sends them swapped.
          if (openssh_symlink_order) {
            h.on_symlink(std::move(r), std::move(q.target_path), std::move(q.link_path));
          } else {
            h.on_symlink(std::move(r), std::move(q.link_path), std::move(q.target_path));
          }
        } else if constexpr (std::is_same_v<T, protocol::posix_rename_request>) {
          h.on_posix_rename(std::move(r), std::move(q.old_path), std::move(q.new_path));
        } else if constexpr (std::is_same_v<T, protocol::statvfs_request>) {
          h.on_statvfs(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::fstatvfs_request>) {
          h.on_fstatvfs(std::move(r), std::move(q.handle));
        } else if constexpr (std::is_same_v<T, protocol::hardlink_request>) {
          h.on_hardlink(std::move(r), std::move(q.old_path), std::move(q.new_path));
        } else if constexpr (std::is_same_v<T, protocol::fsync_request>) {
          h.on_fsync(std::move(r), std::move(q.handle));
        } else if constexpr (std::is_same_v<T, protocol::lsetstat_request>) {
          h.on_lsetstat(std::move(r), std::move(q.path), std::move(q.attrs));
        } else if constexpr (std::is_same_v<T, protocol::limits_request>) {
          h.on_limits(std::move(r));
        } else if constexpr (std::is_same_v<T, protocol::expand_path_request>) {
          h.on_expand_path(std::move(r), std::move(q.path));
        } else if constexpr (std::is_same_v<T, protocol::copy_data_request>) {
          h.on_copy_data(std::move(r), std::move(q.read_handle), q.read_offset, q.read_length,
                         std::move(q.write_handle), q.write_offset);
        } else if constexpr (std::is_same_v<T, protocol::home_directory_request>) {
          h.on_home_directory(std::move(r), std::move(q.username));
        } else if constexpr (std::is_same_v<T, protocol::users_groups_by_id_request>) {
          h.on_users_groups_by_id(std::move(r), std::move(q.uids), std::move(q.gids));
        } else {
          static_assert(std::is_same_v<T, protocol::extended_request>,
                        "every request type is dispatched");
          h.on_extended(std::move(r), std::move(q.name), std::move(q.data));
        }
      },
      std::move(request));
}

}  // namespace sftp_detail
}  // namespace sshlib
