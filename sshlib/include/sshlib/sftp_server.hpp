// sshlib::sftp_server: serves SFTP version 3 with OpenSSH's extensions on a channel whose
// "sftp" subsystem was accepted, in one of two ways:
//
// - async_serve(channel, handlers, ...): the seed's server mode. Each request calls one
//   virtual member of an sftp_server_handlers object with an sftp_request, which the
//   handler answers with one of its reply_* methods, now or later, from any thread.
// - async_serve_directory(channel, root, ...): a ready handler set, sftp_directory_handlers,
//   that serves one directory tree confined to its root (no escape through "..", symbolic
//   links or absolute paths; see sshlib/src/sftp/sftp_local_filesystem.hpp for exactly what
//   is guaranteed). To refuse or watch some requests, write handlers that hold one and pass
//   the rest on to its members.
//
// Either way the session decodes requests on the channel's executor and writes replies as
// they come (SFTP matches replies to requests by id, so they need not be in order). It reads
// no further while options.max_requests_in_flight requests are unanswered or 4 MiB of
// replies wait for the channel: a client that sends without reading cannot grow our memory.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/channel.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/result.hpp>
#include <sshlib/sftp_types.hpp>

#include <boost/asio/async_result.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sshlib {

namespace sftp_detail {
class server_session;
}

struct sftp_server_options {
  /// Requests handed to the handlers and not yet answered; reading pauses at this many.
  std::size_t max_requests_in_flight = 64;
  /// SYMLINK's two paths arrive in OpenSSH's order (PROTOCOL section 4.1: target first), as
  /// every OpenSSH client and the seed's client send them; on_symlink gets them by meaning.
  /// false: the draft's order (link path first).
  bool openssh_symlink_order = true;
  /// sftp_directory_handlers only: files and directories open at once per session.
  std::size_t max_open_handles = 256;
  /// sftp_directory_handlers only: refuse every request that changes the tree with
  /// permission_denied.
  bool read_only = false;
  /// Called with a line when the session refuses a request or ends on a protocol error.
  std::function<void(std::string_view)> debug;
};

/// One request of a session, handed to a handler. Answer it once with a reply_* method, from
/// any thread. Move-only; a request destroyed unanswered is answered STATUS failure ("request
/// not answered"), so a forgetful handler cannot hang the client. Replying after the session
/// ended does nothing and succeeds.
class sftp_request {
 public:
  sftp_request(sftp_request&&) noexcept;
  sftp_request& operator=(sftp_request&&) noexcept;
  sftp_request(const sftp_request&) = delete;
  sftp_request& operator=(const sftp_request&) = delete;
  ~sftp_request();

  /// The id the client gave the request (its reply carries it back).
  std::uint32_t id() const noexcept { return id_; }
  bool answered() const noexcept { return !session_; }

  /// Each reply_* encodes the answer on the caller's thread and queues it. Errors (the
  /// request stays unanswered, so another reply may follow): invalid_value when it was
  /// answered already; length_exceeds_limit for a field above the protocol's caps (a
  /// handle above 256 bytes, data above 256 KiB, more than 4096 names); invalid_value for
  /// attributes with uid but no gid or atime but no mtime.
  ///
  /// STATUS; an empty message becomes the code's meaning ("no such file", ...).
  result<void> reply_status(sftp::status_code code, std::string_view message = {});
  /// HANDLE, for OPEN and OPENDIR: an opaque string of at most 256 bytes.
  result<void> reply_handle(byte_view handle);
  /// DATA, for READ (reply_status(eof) at the end of the file).
  result<void> reply_data(bytes data);
  /// NAME: the entries of READDIR, or the one entry answering REALPATH, READLINK,
  /// expand-path and home-directory.
  result<void> reply_name(std::vector<sftp::directory_entry> entries);
  /// ATTRS, for STAT, LSTAT and FSTAT.
  result<void> reply_attrs(const sftp::file_attributes& attrs);
  /// EXTENDED_REPLY with raw data (for an extension of your own).
  result<void> reply_extended(bytes data);
  /// EXTENDED_REPLY bodies of OpenSSH's extensions: statvfs/fstatvfs, limits,
  /// users-groups-by-id (one name per id asked, in order; empty for an unknown id).
  result<void> reply_fs_info(const sftp::fs_info& info);
  result<void> reply_limits(const sftp::server_limits& limits);
  result<void> reply_user_group_names(std::vector<std::string> user_names,
                                      std::vector<std::string> group_names);

 private:
  friend class sftp_detail::server_session;
  sftp_request(std::shared_ptr<sftp_detail::server_session> session, std::uint32_t id) noexcept;
  result<void> deliver(result<bytes> packet);

  std::shared_ptr<sftp_detail::server_session> session_;  // null once answered
  std::uint32_t id_ = 0;
};

/// What a session serves. Override the requests you answer; the default of every on_*
/// answers STATUS op_unsupported, as the seed does for a request nobody listens to. Members
/// are called on the channel's executor, one per request in arrival order; answer through
/// the sftp_request, at once or later from any thread. Paths are the client's bytes as sent.
class sftp_server_handlers {
 public:
  using extension_list = std::vector<std::pair<std::string, std::string>>;

  virtual ~sftp_server_handlers() = default;

  /// The extensions announced in VERSION: (name, data) pairs, e.g.
  /// ("posix-rename@openssh.com", "1"). Announce only those whose on_* you override.
  virtual extension_list extensions() const { return {}; }
  /// INIT arrived (the seed's `ready`): the client's version and extensions. VERSION has
  /// been queued and requests follow.
  virtual void on_init(std::uint32_t client_version, const extension_list& client_extensions);

  // Requests of draft-ietf-secsh-filexfer-02, in the seed's event order.
  virtual void on_open(sftp_request r, std::string path, sftp::open_mode flags,
                       sftp::file_attributes attrs);
  virtual void on_read(sftp_request r, bytes handle, std::uint64_t offset, std::uint32_t length);
  virtual void on_write(sftp_request r, bytes handle, std::uint64_t offset, bytes data);
  virtual void on_fstat(sftp_request r, bytes handle);
  virtual void on_fsetstat(sftp_request r, bytes handle, sftp::file_attributes attrs);
  virtual void on_close(sftp_request r, bytes handle);
  virtual void on_opendir(sftp_request r, std::string path);
  virtual void on_readdir(sftp_request r, bytes handle);
  virtual void on_lstat(sftp_request r, std::string path);
  virtual void on_stat(sftp_request r, std::string path);
  virtual void on_remove(sftp_request r, std::string path);
  virtual void on_rmdir(sftp_request r, std::string path);
  virtual void on_realpath(sftp_request r, std::string path);
  virtual void on_readlink(sftp_request r, std::string path);
  virtual void on_setstat(sftp_request r, std::string path, sftp::file_attributes attrs);
  virtual void on_mkdir(sftp_request r, std::string path, sftp::file_attributes attrs);
  virtual void on_rename(sftp_request r, std::string old_path, std::string new_path);
  /// Make `link_path` a symbolic link whose text is `target_path` (by meaning, whatever the
  /// wire order; see sftp_server_options::openssh_symlink_order).
  virtual void on_symlink(sftp_request r, std::string link_path, std::string target_path);

  // OpenSSH's extended requests (PROTOCOL section 4).
  virtual void on_posix_rename(sftp_request r, std::string old_path, std::string new_path);
  virtual void on_statvfs(sftp_request r, std::string path);
  virtual void on_fstatvfs(sftp_request r, bytes handle);
  virtual void on_hardlink(sftp_request r, std::string old_path, std::string new_path);
  virtual void on_fsync(sftp_request r, bytes handle);
  virtual void on_lsetstat(sftp_request r, std::string path, sftp::file_attributes attrs);
  virtual void on_limits(sftp_request r);
  virtual void on_expand_path(sftp_request r, std::string path);
  /// copy-data: a length of 0 copies to the end of the source.
  virtual void on_copy_data(sftp_request r, bytes read_handle, std::uint64_t read_offset,
                            std::uint64_t length, bytes write_handle, std::uint64_t write_offset);
  virtual void on_home_directory(sftp_request r, std::string username);
  virtual void on_users_groups_by_id(sftp_request r, std::vector<std::uint32_t> uids,
                                     std::vector<std::uint32_t> gids);
  /// Any other EXTENDED request: its name and the bytes after it.
  virtual void on_extended(sftp_request r, std::string name, bytes data);
};

/// The ready handler set: a directory tree confined to its root, served with blocking POSIX
/// calls on a small process-wide pool of file-I/O threads (2), one session's requests in
/// order. A slow disk delays other SFTP sessions but not the connections' own traffic.
/// Announces and serves every OpenSSH extension but home-directory and users-groups-by-id.
class sftp_directory_handlers : public sftp_server_handlers {
 public:
  /// Opens `root` (an existing directory; max_open_handles and read_only are taken from
  /// `options`). Errors: the system error of opening it (ENOENT, ENOTDIR, EACCES).
  static result<std::shared_ptr<sftp_directory_handlers>> open(
      const std::string& root, const sftp_server_options& options = {});
  ~sftp_directory_handlers() override;

  extension_list extensions() const override;
  void on_open(sftp_request r, std::string path, sftp::open_mode flags,
               sftp::file_attributes attrs) override;
  void on_read(sftp_request r, bytes handle, std::uint64_t offset, std::uint32_t length) override;
  void on_write(sftp_request r, bytes handle, std::uint64_t offset, bytes data) override;
  void on_fstat(sftp_request r, bytes handle) override;
  void on_fsetstat(sftp_request r, bytes handle, sftp::file_attributes attrs) override;
  void on_close(sftp_request r, bytes handle) override;
  void on_opendir(sftp_request r, std::string path) override;
  void on_readdir(sftp_request r, bytes handle) override;
  void on_lstat(sftp_request r, std::string path) override;
  void on_stat(sftp_request r, std::string path) override;
  void on_remove(sftp_request r, std::string path) override;
  void on_rmdir(sftp_request r, std::string path) override;
  void on_realpath(sftp_request r, std::string path) override;
  void on_readlink(sftp_request r, std::string path) override;
  void on_setstat(sftp_request r, std::string path, sftp::file_attributes attrs) override;
  void on_mkdir(sftp_request r, std::string path, sftp::file_attributes attrs) override;
  void on_rename(sftp_request r, std::string old_path, std::string new_path) override;
  void on_symlink(sftp_request r, std::string link_path, std::string target_path) override;
  void on_posix_rename(sftp_request r, std::string old_path, std::string new_path) override;
  void on_statvfs(sftp_request r, std::string path) override;
  void on_fstatvfs(sftp_request r, bytes handle) override;
  void on_hardlink(sftp_request r, std::string old_path, std::string new_path) override;
  void on_fsync(sftp_request r, bytes handle) override;
  void on_lsetstat(sftp_request r, std::string path, sftp::file_attributes attrs) override;
  void on_limits(sftp_request r) override;
  void on_expand_path(sftp_request r, std::string path) override;
  void on_copy_data(sftp_request r, bytes read_handle, std::uint64_t read_offset,
                    std::uint64_t length, bytes write_handle, std::uint64_t write_offset) override;

  struct impl;  // sshlib/src/sftp/sftp_directory_handlers.cpp
  /// Used by open(); an impl cannot be made elsewhere.
  explicit sftp_directory_handlers(std::shared_ptr<impl> i) noexcept;

 private:
  std::shared_ptr<impl> impl_;
};

class sftp_server {
 public:
  /// Serves `ch` with `handlers` until the client ends the session (channel EOF or CLOSE),
  /// then closes the channel and lets go of the handlers. Completion: void(error_code):
  /// success when the client ended it; errc::sftp_protocol_error for a client that sends a
  /// malformed frame or no INIT first (the channel is closed); a channel error.
  template <class Token>
  static auto async_serve(channel ch, std::shared_ptr<sftp_server_handlers> handlers,
                          sftp_server_options options, Token&& token) {
    const auto executor = ch.get_executor();
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [executor](auto handler, channel c, std::shared_ptr<sftp_server_handlers> h,
                   sftp_server_options o) {
          serve(std::move(c), std::move(h), std::move(o),
                detail::erase_handler<boost::system::error_code>(std::move(handler), executor));
        },
        token, std::move(ch), std::move(handlers), std::move(options));
  }

  /// async_serve with sftp_directory_handlers::open(root, options). Completion as
  /// async_serve's, or the error of opening `root` (the channel is closed).
  template <class Token>
  static auto async_serve_directory(channel ch, std::string root, sftp_server_options options,
                                    Token&& token) {
    const auto executor = ch.get_executor();
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [executor](auto handler, channel c, std::string r, sftp_server_options o) {
          serve_directory(
              std::move(c), std::move(r), std::move(o),
              detail::erase_handler<boost::system::error_code>(std::move(handler), executor));
        },
        token, std::move(ch), std::move(root), std::move(options));
  }

 private:
  static void serve(channel ch, std::shared_ptr<sftp_server_handlers> handlers,
                    sftp_server_options options,
                    detail::completion<boost::system::error_code> done);
  static void serve_directory(channel ch, std::string root, sftp_server_options options,
                              detail::completion<boost::system::error_code> done);
};

}  // namespace sshlib
