// sshlib::sftp_client: an SFTP version 3 client (draft-ietf-secsh-filexfer-02) with OpenSSH's
// extensions, over an SSH channel on which the "sftp" subsystem runs. Every operation is an
// Asio async operation; many may be outstanding at once (the protocol matches replies to
// requests by id), and fast_get / fast_put keep several reads or writes in flight.
//
// Errors: a STATUS other than OK completes the operation with that sftp::status_code as the
// error_code (category "sftp"); a reply that is malformed or of the wrong kind with
// errc::sftp_protocol_error; once the channel ends, every operation with
// errc::connection_closed.
#pragma once

#include <sshlib/channel.hpp>
#include <sshlib/client.hpp>
#include <sshlib/detail/erased_handler.hpp>
#include <sshlib/sftp_types.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sshlib {

class sftp_client_impl;
class sftp_file;

namespace sftp {

/// An open file or directory on the server: opaque bytes chosen by the server.
struct handle {
  bytes value;
  friend bool operator==(const handle&, const handle&) = default;
};

/// The names users-groups-by-id@openssh.com gives for ids, in request order; an empty name
/// means the server does not know that id.
struct user_group_names {
  std::vector<std::string> users;
  std::vector<std::string> groups;
};

/// fast_get / fast_put settings (the seed's fastGet / fastPut options).
struct transfer_options {
  /// Requests in flight at once (the seed's `concurrency`, default 64).
  unsigned concurrency = 64;
  /// Bytes per READ or WRITE (the seed's `chunkSize`, default 32768); capped by the
  /// server's limits@openssh.com reply and by 256 KiB.
  std::size_t chunk_size = 32768;
  /// Called as data lands: total bytes so far, bytes of this chunk, file size (the seed's
  /// `step`). Runs on the client's executor.
  std::function<void(std::uint64_t transferred, std::uint64_t chunk, std::uint64_t total)> step;
  /// Permissions of the file fast_get or fast_put creates (the seed's `mode`).
  std::uint32_t mode = 0644;
};

}  // namespace sftp

struct sftp_options {
  /// Receives one line per request and reply (the seed's `debug`).
  std::function<void(std::string_view)> debug;
  /// Requests sent and not yet answered; more wait locally until replies arrive.
  std::size_t max_outstanding_requests = 256;
  /// OpenSSH's sftp-server reads SYMLINK's two paths in the opposite order from the draft
  /// (PROTOCOL section 4.1); sshlib's server follows OpenSSH. Set false for a server that
  /// follows the draft.
  bool openssh_symlink_order = true;
};

class sftp_client {
public:
  using executor_type = boost::asio::any_io_executor;

  sftp_client() = default;
  explicit sftp_client(std::shared_ptr<sftp_client_impl> impl) noexcept : impl_(std::move(impl)) {}

  /// Starts SFTP on `ch`, a session channel whose "sftp" subsystem the server accepted:
  /// sends INIT, waits for VERSION, then asks for limits@openssh.com when offered.
  /// Completion: void(error_code, sftp_client).
  template <class Token>
  static auto async_start(channel ch, sftp_options options, Token&& token) {
    const auto executor = ch.get_executor();
    return boost::asio::async_initiate<Token, void(boost::system::error_code, sftp_client)>(
        [executor](auto handler, channel c, sftp_options o) {
          start(std::move(c), std::move(o),
                detail::erase_handler<boost::system::error_code, sftp_client>(std::move(handler), executor));
        },
        token, std::move(ch), std::move(options));
  }
  /// Opens the "sftp" subsystem on `c`, then as above (the seed's client.sftp()).
  template <class Token>
  static auto async_start(client& c, sftp_options options, Token&& token) {
    const auto executor = c.get_executor();
    return boost::asio::async_initiate<Token, void(boost::system::error_code, sftp_client)>(
        [&c, executor](auto handler, sftp_options o) {
          open_on(c, std::move(o),
                  detail::erase_handler<boost::system::error_code, sftp_client>(std::move(handler), executor));
        },
        token, std::move(options));
  }

  executor_type get_executor() const;
  bool is_open() const noexcept;
  /// The extensions the server's VERSION announced (name, data), e.g. ("statvfs@openssh.com", "2").
  const std::vector<std::pair<std::string, std::string>>& extensions() const;
  bool has_extension(std::string_view name) const;
  /// What limits@openssh.com said (zeros when the server does not offer it).
  sftp::server_limits limits() const;
  /// Closes the channel: outstanding operations complete with connection_closed.
  void close();

  // ---- files -----------------------------------------------------------------------------

  /// Completion: void(error_code, sftp::handle).
  template <class Token>
  auto async_open(std::string path, sftp::open_mode mode, sftp::file_attributes attrs, Token&& token) {
    return initiate<sftp::handle>(token, [this, p = std::move(path), mode, a = std::move(attrs)](auto done) mutable {
      do_open(std::move(p), mode, std::move(a), std::move(done));
    });
  }
  template <class Token>
  auto async_open(std::string path, sftp::open_mode mode, Token&& token) {
    return async_open(std::move(path), mode, sftp::file_attributes{}, std::forward<Token>(token));
  }
  /// Closes a file or directory handle. Completion: void(error_code).
  template <class Token>
  auto async_close(sftp::handle h, Token&& token) {
    return initiate<>(token, [this, h = std::move(h)](auto done) mutable { do_close(std::move(h), std::move(done)); });
  }
  /// Reads up to buffer_size(b) bytes at `offset` (one request, capped by the server's read
  /// limit). Completion: void(error_code, std::size_t); status_code::eof at or after the end.
  template <class Token>
  auto async_read(const sftp::handle& h, std::uint64_t offset, boost::asio::mutable_buffer b, Token&& token) {
    return initiate<std::size_t>(token, [this, h, offset, b](auto done) mutable { do_read(h, offset, b, std::move(done)); });
  }
  /// Writes all of `b` at `offset`, in as many requests as the server's write limit needs,
  /// all in flight at once. Completion: void(error_code).
  template <class Token>
  auto async_write(const sftp::handle& h, std::uint64_t offset, boost::asio::const_buffer b, Token&& token) {
    return initiate<>(token, [this, h, offset, b](auto done) mutable { do_write(h, offset, b, std::move(done)); });
  }
  /// Completion: void(error_code, sftp::file_attributes).
  template <class Token>
  auto async_fstat(const sftp::handle& h, Token&& token) {
    return initiate<sftp::file_attributes>(token, [this, h](auto done) mutable { do_fstat(h, std::move(done)); });
  }
  /// Sets the attributes present in `attrs` (FSETSTAT); futimes, fchown and fchmod are this
  /// with one field. Completion: void(error_code).
  template <class Token>
  auto async_fsetstat(const sftp::handle& h, sftp::file_attributes attrs, Token&& token) {
    return initiate<>(token, [this, h, a = std::move(attrs)](auto done) mutable { do_fsetstat(h, std::move(a), std::move(done)); });
  }
  template <class Token>
  auto async_futimes(const sftp::handle& h, std::uint32_t atime, std::uint32_t mtime, Token&& token) {
    sftp::file_attributes a;
    a.atime = atime;
    a.mtime = mtime;
    return async_fsetstat(h, std::move(a), std::forward<Token>(token));
  }
  template <class Token>
  auto async_fchown(const sftp::handle& h, std::uint32_t uid, std::uint32_t gid, Token&& token) {
    sftp::file_attributes a;
    a.uid = uid;
    a.gid = gid;
    return async_fsetstat(h, std::move(a), std::forward<Token>(token));
  }
  template <class Token>
  auto async_fchmod(const sftp::handle& h, std::uint32_t mode, Token&& token) {
    sftp::file_attributes a;
    a.permissions = mode;
    return async_fsetstat(h, std::move(a), std::forward<Token>(token));
  }

  /// Opens a file as an Asio stream (the seed's createReadStream / createWriteStream):
  /// sftp_file reads and writes at its position, which each operation advances. With
  /// open_mode::append the position starts at the file's size (servers such as OpenSSH's
  /// ignore the flag itself). Completion: void(error_code, sftp_file).
  template <class Token>
  auto async_open_file(std::string path, sftp::open_mode mode, sftp::file_attributes attrs, Token&& token) {
    return initiate<sftp_file>(token, [this, p = std::move(path), mode, a = std::move(attrs)](auto done) mutable {
      do_open_file(std::move(p), mode, std::move(a), std::move(done));
    });
  }

  // ---- directories ---------------------------------------------------------------------

  /// Completion: void(error_code, sftp::handle).
  template <class Token>
  auto async_opendir(std::string path, Token&& token) {
    return initiate<sftp::handle>(token, [this, p = std::move(path)](auto done) mutable { do_opendir(std::move(p), std::move(done)); });
  }
  /// The next batch of entries; an empty vector at the end (the seed's `false`).
  /// Completion: void(error_code, std::vector<sftp::directory_entry>).
  template <class Token>
  auto async_readdir(const sftp::handle& h, Token&& token) {
    return initiate<std::vector<sftp::directory_entry>>(token, [this, h](auto done) mutable { do_readdir(h, std::move(done)); });
  }
  /// Every entry of a directory (OPENDIR, READDIR until the end, CLOSE; the seed's readdir
  /// with a path). Completion: void(error_code, std::vector<sftp::directory_entry>).
  template <class Token>
  auto async_list_directory(std::string path, Token&& token) {
    return initiate<std::vector<sftp::directory_entry>>(
        token, [this, p = std::move(path)](auto done) mutable { do_list_directory(std::move(p), std::move(done)); });
  }
  template <class Token>
  auto async_mkdir(std::string path, sftp::file_attributes attrs, Token&& token) {
    return initiate<>(token, [this, p = std::move(path), a = std::move(attrs)](auto done) mutable {
      do_mkdir(std::move(p), std::move(a), std::move(done));
    });
  }
  template <class Token>
  auto async_rmdir(std::string path, Token&& token) {
    return initiate<>(token, [this, p = std::move(path)](auto done) mutable { do_rmdir(std::move(p), std::move(done)); });
  }

  // ---- paths ---------------------------------------------------------------------------

  template <class Token>
  auto async_unlink(std::string path, Token&& token) {
    return initiate<>(token, [this, p = std::move(path)](auto done) mutable { do_unlink(std::move(p), std::move(done)); });
  }
  /// RENAME: fails when `to` exists (see async_posix_rename).
  template <class Token>
  auto async_rename(std::string from, std::string to, Token&& token) {
    return initiate<>(token, [this, f = std::move(from), t = std::move(to)](auto done) mutable {
      do_rename(false, std::move(f), std::move(t), std::move(done));
    });
  }
  /// STAT (follows a final symbolic link). Completion: void(error_code, sftp::file_attributes).
  template <class Token>
  auto async_stat(std::string path, Token&& token) {
    return initiate<sftp::file_attributes>(token, [this, p = std::move(path)](auto done) mutable {
      do_stat(true, std::move(p), std::move(done));
    });
  }
  /// LSTAT (does not follow). Completion: void(error_code, sftp::file_attributes).
  template <class Token>
  auto async_lstat(std::string path, Token&& token) {
    return initiate<sftp::file_attributes>(token, [this, p = std::move(path)](auto done) mutable {
      do_stat(false, std::move(p), std::move(done));
    });
  }
  /// SETSTAT; utimes, chown and chmod are this with one field. Completion: void(error_code).
  template <class Token>
  auto async_setstat(std::string path, sftp::file_attributes attrs, Token&& token) {
    return initiate<>(token, [this, p = std::move(path), a = std::move(attrs)](auto done) mutable {
      do_setstat(false, std::move(p), std::move(a), std::move(done));
    });
  }
  template <class Token>
  auto async_utimes(std::string path, std::uint32_t atime, std::uint32_t mtime, Token&& token) {
    sftp::file_attributes a;
    a.atime = atime;
    a.mtime = mtime;
    return async_setstat(std::move(path), std::move(a), std::forward<Token>(token));
  }
  template <class Token>
  auto async_chown(std::string path, std::uint32_t uid, std::uint32_t gid, Token&& token) {
    sftp::file_attributes a;
    a.uid = uid;
    a.gid = gid;
    return async_setstat(std::move(path), std::move(a), std::forward<Token>(token));
  }
  template <class Token>
  auto async_chmod(std::string path, std::uint32_t mode, Token&& token) {
    sftp::file_attributes a;
    a.permissions = mode;
    return async_setstat(std::move(path), std::move(a), std::forward<Token>(token));
  }
  /// Completion: void(error_code, std::string).
  template <class Token>
  auto async_readlink(std::string path, Token&& token) {
    return initiate<std::string>(token, [this, p = std::move(path)](auto done) mutable {
      do_single_name(single_name::readlink, std::move(p), std::move(done));
    });
  }
  /// Completion: void(error_code, std::string).
  template <class Token>
  auto async_realpath(std::string path, Token&& token) {
    return initiate<std::string>(token, [this, p = std::move(path)](auto done) mutable {
      do_single_name(single_name::realpath, std::move(p), std::move(done));
    });
  }
  /// Creates `link` pointing at `target` (the seed's symlink(targetPath, linkPath)).
  template <class Token>
  auto async_symlink(std::string target, std::string link, Token&& token) {
    return initiate<>(token, [this, t = std::move(target), l = std::move(link)](auto done) mutable {
      do_symlink(std::move(t), std::move(l), std::move(done));
    });
  }
  /// True when STAT succeeds, false on no_such_file; other errors are errors.
  /// Completion: void(error_code, bool).
  template <class Token>
  auto async_exists(std::string path, Token&& token) {
    return initiate<bool>(token, [this, p = std::move(path)](auto done) mutable { do_exists(std::move(p), std::move(done)); });
  }

  // ---- whole files -----------------------------------------------------------------------

  /// The whole file, refused with errc::length_exceeds_limit above `max_size` bytes.
  /// Completion: void(error_code, bytes).
  template <class Token>
  auto async_read_file(std::string path, std::size_t max_size, Token&& token) {
    return initiate<bytes>(token, [this, p = std::move(path), max_size](auto done) mutable {
      do_read_file(std::move(p), max_size, std::move(done));
    });
  }
  /// Creates or truncates `path` and writes `data`. Completion: void(error_code).
  template <class Token>
  auto async_write_file(std::string path, bytes data, Token&& token) {
    return initiate<>(token, [this, p = std::move(path), d = std::move(data)](auto done) mutable {
      do_write_file(false, std::move(p), std::move(d), std::move(done));
    });
  }
  /// Appends `data` to `path`, creating it. Completion: void(error_code).
  template <class Token>
  auto async_append_file(std::string path, bytes data, Token&& token) {
    return initiate<>(token, [this, p = std::move(path), d = std::move(data)](auto done) mutable {
      do_write_file(true, std::move(p), std::move(d), std::move(done));
    });
  }
  /// Downloads `remote_path` to the local file `local_path` with `concurrency` reads in
  /// flight. Completion: void(error_code).
  template <class Token>
  auto async_fast_get(std::string remote_path, std::string local_path, sftp::transfer_options options, Token&& token) {
    return initiate<>(token, [this, r = std::move(remote_path), l = std::move(local_path),
                              o = std::move(options)](auto done) mutable {
      do_fast_get(std::move(r), std::move(l), std::move(o), std::move(done));
    });
  }
  /// Uploads the local file `local_path` to `remote_path` with `concurrency` writes in
  /// flight. Completion: void(error_code).
  template <class Token>
  auto async_fast_put(std::string local_path, std::string remote_path, sftp::transfer_options options, Token&& token) {
    return initiate<>(token, [this, l = std::move(local_path), r = std::move(remote_path),
                              o = std::move(options)](auto done) mutable {
      do_fast_put(std::move(l), std::move(r), std::move(o), std::move(done));
    });
  }

  // ---- OpenSSH extensions (PROTOCOL section 4) ------------------------------------------

  /// posix-rename@openssh.com: rename(2), replacing `to`.
  template <class Token>
  auto async_posix_rename(std::string from, std::string to, Token&& token) {
    return initiate<>(token, [this, f = std::move(from), t = std::move(to)](auto done) mutable {
      do_rename(true, std::move(f), std::move(t), std::move(done));
    });
  }
  /// statvfs@openssh.com. Completion: void(error_code, sftp::fs_info).
  template <class Token>
  auto async_statvfs(std::string path, Token&& token) {
    return initiate<sftp::fs_info>(token, [this, p = std::move(path)](auto done) mutable { do_statvfs(std::move(p), std::move(done)); });
  }
  /// fstatvfs@openssh.com. Completion: void(error_code, sftp::fs_info).
  template <class Token>
  auto async_fstatvfs(const sftp::handle& h, Token&& token) {
    return initiate<sftp::fs_info>(token, [this, h](auto done) mutable { do_fstatvfs(h, std::move(done)); });
  }
  /// hardlink@openssh.com: a new name `link` for `target`.
  template <class Token>
  auto async_hardlink(std::string target, std::string link, Token&& token) {
    return initiate<>(token, [this, t = std::move(target), l = std::move(link)](auto done) mutable {
      do_hardlink(std::move(t), std::move(l), std::move(done));
    });
  }
  /// fsync@openssh.com.
  template <class Token>
  auto async_fsync(const sftp::handle& h, Token&& token) {
    return initiate<>(token, [this, h](auto done) mutable { do_fsync(h, std::move(done)); });
  }
  /// lsetstat@openssh.com: SETSTAT without following a final symbolic link.
  template <class Token>
  auto async_lsetstat(std::string path, sftp::file_attributes attrs, Token&& token) {
    return initiate<>(token, [this, p = std::move(path), a = std::move(attrs)](auto done) mutable {
      do_setstat(true, std::move(p), std::move(a), std::move(done));
    });
  }
  /// expand-path@openssh.com: REALPATH that also expands "~/" and "~user/".
  /// Completion: void(error_code, std::string).
  template <class Token>
  auto async_expand_path(std::string path, Token&& token) {
    return initiate<std::string>(token, [this, p = std::move(path)](auto done) mutable {
      do_single_name(single_name::expand_path, std::move(p), std::move(done));
    });
  }
  /// home-directory: a user's home directory. Completion: void(error_code, std::string).
  template <class Token>
  auto async_home_directory(std::string username, Token&& token) {
    return initiate<std::string>(token, [this, u = std::move(username)](auto done) mutable {
      do_single_name(single_name::home_directory, std::move(u), std::move(done));
    });
  }
  /// copy-data: copies `length` bytes (0: to the end) between two open handles on the server.
  template <class Token>
  auto async_copy_data(const sftp::handle& from, std::uint64_t from_offset, std::uint64_t length, const sftp::handle& to,
                       std::uint64_t to_offset, Token&& token) {
    return initiate<>(token, [this, from, from_offset, length, to, to_offset](auto done) mutable {
      do_copy_data(from, from_offset, length, to, to_offset, std::move(done));
    });
  }
  /// users-groups-by-id@openssh.com. Completion: void(error_code, sftp::user_group_names).
  template <class Token>
  auto async_users_groups(std::vector<std::uint32_t> uids, std::vector<std::uint32_t> gids, Token&& token) {
    return initiate<sftp::user_group_names>(token, [this, u = std::move(uids), g = std::move(gids)](auto done) mutable {
      do_users_groups(std::move(u), std::move(g), std::move(done));
    });
  }

private:
  template <class... Results, class Token, class Start>
  auto initiate(Token& token, Start start) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, Results...)>(
        [this](auto handler, Start s) {
          s(detail::erase_handler<boost::system::error_code, Results...>(std::move(handler), get_executor()));
        },
        token, std::move(start));
  }

  template <class... Results>
  using done_t = detail::completion<boost::system::error_code, Results...>;
  enum class single_name { readlink, realpath, expand_path, home_directory };

  static void start(channel ch, sftp_options options, done_t<sftp_client> done);
  static void open_on(client& c, sftp_options options, done_t<sftp_client> done);
  void do_open(std::string path, sftp::open_mode mode, sftp::file_attributes attrs, done_t<sftp::handle> done);
  void do_close(sftp::handle h, done_t<> done);
  void do_open_file(std::string path, sftp::open_mode mode, sftp::file_attributes attrs, done_t<sftp_file> done);
  void do_read(const sftp::handle& h, std::uint64_t offset, boost::asio::mutable_buffer b, done_t<std::size_t> done);
  void do_write(const sftp::handle& h, std::uint64_t offset, boost::asio::const_buffer b, done_t<> done);
  void do_fstat(const sftp::handle& h, done_t<sftp::file_attributes> done);
  void do_fsetstat(const sftp::handle& h, sftp::file_attributes attrs, done_t<> done);
  void do_opendir(std::string path, done_t<sftp::handle> done);
  void do_readdir(const sftp::handle& h, done_t<std::vector<sftp::directory_entry>> done);
  void do_list_directory(std::string path, done_t<std::vector<sftp::directory_entry>> done);
  void do_mkdir(std::string path, sftp::file_attributes attrs, done_t<> done);
  void do_rmdir(std::string path, done_t<> done);
  void do_unlink(std::string path, done_t<> done);
  void do_rename(bool posix, std::string from, std::string to, done_t<> done);
  void do_stat(bool follow, std::string path, done_t<sftp::file_attributes> done);
  void do_setstat(bool no_follow, std::string path, sftp::file_attributes attrs, done_t<> done);
  void do_single_name(single_name kind, std::string text, done_t<std::string> done);
  void do_symlink(std::string target, std::string link, done_t<> done);
  void do_exists(std::string path, done_t<bool> done);
  void do_read_file(std::string path, std::size_t max_size, done_t<bytes> done);
  void do_write_file(bool append, std::string path, bytes data, done_t<> done);
  void do_fast_get(std::string remote, std::string local, sftp::transfer_options options, done_t<> done);
  void do_fast_put(std::string local, std::string remote, sftp::transfer_options options, done_t<> done);
  void do_statvfs(std::string path, done_t<sftp::fs_info> done);
  void do_fstatvfs(const sftp::handle& h, done_t<sftp::fs_info> done);
  void do_hardlink(std::string target, std::string link, done_t<> done);
  void do_fsync(const sftp::handle& h, done_t<> done);
  void do_copy_data(const sftp::handle& from, std::uint64_t from_offset, std::uint64_t length, const sftp::handle& to,
                    std::uint64_t to_offset, done_t<> done);
  void do_users_groups(std::vector<std::uint32_t> uids, std::vector<std::uint32_t> gids, done_t<sftp::user_group_names> done);

  std::shared_ptr<sftp_client_impl> impl_;
};

/// An open remote file as an Asio AsyncReadStream and AsyncWriteStream (asio::async_read,
/// async_write, Beast's buffers all work on it). Reads end with asio::error::eof at the end
/// of the file. One read or write at a time, as for any Asio stream; the object must
/// outlive its operations. Closing is explicit (async_close): a destructor cannot wait.
class sftp_file {
public:
  using executor_type = boost::asio::any_io_executor;

  sftp_file() = default;
  sftp_file(sftp_client client, sftp::handle handle, std::uint64_t position = 0)
      : client_(std::move(client)), handle_(std::move(handle)), position_(position) {}

  executor_type get_executor() const { return client_.get_executor(); }
  const sftp::handle& handle() const noexcept { return handle_; }
  /// Where the next read or write happens (the seed's `start`).
  std::uint64_t position() const noexcept { return position_; }
  void seek(std::uint64_t position) noexcept { position_ = position; }

  /// Completion: void(error_code, std::size_t); asio::error::eof at the end of the file.
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer b) {
          do_read_some(b, detail::erase_handler<boost::system::error_code, std::size_t>(std::move(handler), get_executor()));
        },
        token, first_of(buffers));
  }
  /// Writes the first buffer whole. Completion: void(error_code, std::size_t).
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer b) {
          do_write_some(b, detail::erase_handler<boost::system::error_code, std::size_t>(std::move(handler), get_executor()));
        },
        token, first_of_const(buffers));
  }
  /// Closes the handle on the server. Completion: void(error_code).
  template <class Token>
  auto async_close(Token&& token) {
    return client_.async_close(handle_, std::forward<Token>(token));
  }

private:
  template <class Buffers>
  static boost::asio::mutable_buffer first_of(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      if (boost::asio::mutable_buffer b(*it); b.size() > 0) return b;
    }
    return {};
  }
  template <class Buffers>
  static boost::asio::const_buffer first_of_const(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      if (boost::asio::const_buffer b(*it); b.size() > 0) return b;
    }
    return {};
  }
  void do_read_some(boost::asio::mutable_buffer b, detail::completion<boost::system::error_code, std::size_t> done);
  void do_write_some(boost::asio::const_buffer b, detail::completion<boost::system::error_code, std::size_t> done);

  sftp_client client_;
  sftp::handle handle_;
  std::uint64_t position_ = 0;
};

}  // namespace sshlib
