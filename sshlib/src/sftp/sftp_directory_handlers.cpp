// sftp_directory_handlers: the ready handler set. Each member turns its arguments back into
// the request value local_filesystem answers, and runs it on a strand of a small
// process-wide pool of file-I/O threads, so one session's requests run in order and never
// block the connection's executor (as sshd's separate sftp-server process keeps disk waits
// away from its network process). The answer goes back through the sftp_request.
#include "sftp/sftp_local_filesystem.hpp"

#include <sshlib/sftp_server.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

namespace sshlib {
namespace asio = boost::asio;
namespace protocol = sftp::protocol;

namespace {

// The threads that run every session's file I/O. Never destroyed: sessions may outlive
// main's locals, and an exiting process need not join them.
asio::thread_pool& file_io_pool() {
  static auto* pool = std::make_unique<asio::thread_pool>(2).release();
  return *pool;
}

void send(sftp_request& r, protocol::response&& answer) {
  std::visit(
      [&](auto&& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, protocol::status_response>) {
          (void)r.reply_status(a.code, a.message);
        } else if constexpr (std::is_same_v<T, protocol::handle_response>) {
          (void)r.reply_handle(a.handle);
        } else if constexpr (std::is_same_v<T, protocol::data_response>) {
          (void)r.reply_data(std::move(a.data));
        } else if constexpr (std::is_same_v<T, protocol::name_response>) {
          (void)r.reply_name(std::move(a.entries));
        } else if constexpr (std::is_same_v<T, protocol::attrs_response>) {
          (void)r.reply_attrs(a.attrs);
        } else if constexpr (std::is_same_v<T, protocol::extended_reply>) {
          (void)r.reply_extended(std::move(a.data));
        }
        // A version_response answers INIT only, which never comes here; the request's
        // destructor would answer failure.
      },
      std::move(answer));
}

}  // namespace

struct sftp_directory_handlers::impl {
  impl(sftp::local_filesystem f) : io(asio::make_strand(file_io_pool())), fs(std::move(f)) {}

  asio::strand<asio::thread_pool::executor_type> io;
  sftp::local_filesystem fs;  // used on `io` only
};

namespace {

// Answers `q` with the filesystem on its strand. The impl is kept alive by the posted work,
// so a session that ends while a request runs does not pull the filesystem away.
template <class Request>
void run(const std::shared_ptr<sftp_directory_handlers::impl>& i, sftp_request r, Request q) {
  q.id = r.id();
  asio::post(i->io, [i, r = std::move(r), q = std::move(q)]() mutable {
    send(r, i->fs.handle(protocol::request(std::move(q))));
  });
}

}  // namespace

result<std::shared_ptr<sftp_directory_handlers>> sftp_directory_handlers::open(
    const std::string& root, const sftp_server_options& options) {
  sftp::local_filesystem_options fs_options;
  fs_options.max_open_handles = options.max_open_handles;
  fs_options.read_only = options.read_only;
  auto fs = sftp::local_filesystem::open(root, fs_options);
  if (!fs) return fs.error();
  return std::make_shared<sftp_directory_handlers>(std::make_shared<impl>(std::move(*fs)));
}

sftp_directory_handlers::sftp_directory_handlers(std::shared_ptr<impl> i) noexcept
    : impl_(std::move(i)) {}
sftp_directory_handlers::~sftp_directory_handlers() = default;

sftp_server_handlers::extension_list sftp_directory_handlers::extensions() const {
  extension_list out;
  for (auto& e : sftp::local_filesystem::version().extensions)
    out.emplace_back(std::move(e.name), std::move(e.data));
  return out;
}

void sftp_directory_handlers::on_open(sftp_request r, std::string path, sftp::open_mode flags,
                                      sftp::file_attributes attrs) {
  protocol::open_request q;
  q.path = std::move(path);
  q.flags = flags;
  q.attrs = std::move(attrs);
  run(impl_, std::move(r), std::move(q));
}

void sftp_directory_handlers::on_read(sftp_request r, bytes handle, std::uint64_t offset,
                                      std::uint32_t length) {
  protocol::read_request q;
  q.handle = std::move(handle);
  q.offset = offset;
  q.length = length;
  run(impl_, std::move(r), std::move(q));
}

void sftp_directory_handlers::on_write(sftp_request r, bytes handle, std::uint64_t offset,
                                       bytes data) {
  protocol::write_request q;
  q.handle = std::move(handle);
  q.offset = offset;
  q.data = std::move(data);
  run(impl_, std::move(r), std::move(q));
}

namespace {
template <class Request>
Request with_handle(bytes handle) {
  Request q;
  q.handle = std::move(handle);
  return q;
}
template <class Request>
Request with_path(std::string path) {
  Request q;
  q.path = std::move(path);
  return q;
}
template <class Request>
Request with_path_attrs(std::string path, sftp::file_attributes attrs) {
  Request q;
  q.path = std::move(path);
  q.attrs = std::move(attrs);
  return q;
}
template <class Request>
Request with_paths(std::string old_path, std::string new_path) {
  Request q;
  q.old_path = std::move(old_path);
  q.new_path = std::move(new_path);
  return q;
}
}  // namespace

void sftp_directory_handlers::on_fstat(sftp_request r, bytes handle) {
  run(impl_, std::move(r), with_handle<protocol::fstat_request>(std::move(handle)));
}
void sftp_directory_handlers::on_fsetstat(sftp_request r, bytes handle,
                                          sftp::file_attributes attrs) {
  auto q = with_handle<protocol::fsetstat_request>(std::move(handle));
  q.attrs = std::move(attrs);
  run(impl_, std::move(r), std::move(q));
}
void sftp_directory_handlers::on_close(sftp_request r, bytes handle) {
  run(impl_, std::move(r), with_handle<protocol::close_request>(std::move(handle)));
}
void sftp_directory_handlers::on_opendir(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::opendir_request>(std::move(path)));
}
void sftp_directory_handlers::on_readdir(sftp_request r, bytes handle) {
  run(impl_, std::move(r), with_handle<protocol::readdir_request>(std::move(handle)));
}
void sftp_directory_handlers::on_lstat(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::lstat_request>(std::move(path)));
}
void sftp_directory_handlers::on_stat(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::stat_request>(std::move(path)));
}
void sftp_directory_handlers::on_remove(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::remove_request>(std::move(path)));
}
void sftp_directory_handlers::on_rmdir(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::rmdir_request>(std::move(path)));
}
void sftp_directory_handlers::on_realpath(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::realpath_request>(std::move(path)));
}
void sftp_directory_handlers::on_readlink(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::readlink_request>(std::move(path)));
}
void sftp_directory_handlers::on_setstat(sftp_request r, std::string path,
                                         sftp::file_attributes attrs) {
  run(impl_, std::move(r),
      with_path_attrs<protocol::setstat_request>(std::move(path), std::move(attrs)));
}
void sftp_directory_handlers::on_mkdir(sftp_request r, std::string path,
                                       sftp::file_attributes attrs) {
  run(impl_, std::move(r),
      with_path_attrs<protocol::mkdir_request>(std::move(path), std::move(attrs)));
}
void sftp_directory_handlers::on_rename(sftp_request r, std::string old_path,
                                        std::string new_path) {
  run(impl_, std::move(r),
      with_paths<protocol::rename_request>(std::move(old_path), std::move(new_path)));
}
void sftp_directory_handlers::on_symlink(sftp_request r, std::string link_path,
                                         std::string target_path) {
  // local_filesystem takes OpenSSH's wire order: the link's text first, then its name.
  protocol::symlink_request q;
  q.link_path = std::move(target_path);
  q.target_path = std::move(link_path);
  run(impl_, std::move(r), std::move(q));
}
void sftp_directory_handlers::on_posix_rename(sftp_request r, std::string old_path,
                                              std::string new_path) {
  run(impl_, std::move(r),
      with_paths<protocol::posix_rename_request>(std::move(old_path), std::move(new_path)));
}
void sftp_directory_handlers::on_statvfs(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::statvfs_request>(std::move(path)));
}
void sftp_directory_handlers::on_fstatvfs(sftp_request r, bytes handle) {
  run(impl_, std::move(r), with_handle<protocol::fstatvfs_request>(std::move(handle)));
}
void sftp_directory_handlers::on_hardlink(sftp_request r, std::string old_path,
                                          std::string new_path) {
  run(impl_, std::move(r),
      with_paths<protocol::hardlink_request>(std::move(old_path), std::move(new_path)));
}
void sftp_directory_handlers::on_fsync(sftp_request r, bytes handle) {
  run(impl_, std::move(r), with_handle<protocol::fsync_request>(std::move(handle)));
}
void sftp_directory_handlers::on_lsetstat(sftp_request r, std::string path,
                                          sftp::file_attributes attrs) {
  run(impl_, std::move(r),
      with_path_attrs<protocol::lsetstat_request>(std::move(path), std::move(attrs)));
}
void sftp_directory_handlers::on_limits(sftp_request r) {
  run(impl_, std::move(r), protocol::limits_request{});
}
void sftp_directory_handlers::on_expand_path(sftp_request r, std::string path) {
  run(impl_, std::move(r), with_path<protocol::expand_path_request>(std::move(path)));
}
void sftp_directory_handlers::on_copy_data(sftp_request r, bytes read_handle,
                                           std::uint64_t read_offset, std::uint64_t length,
                                           bytes write_handle, std::uint64_t write_offset) {
  protocol::copy_data_request q;
  q.read_handle = std::move(read_handle);
  q.read_offset = read_offset;
  q.read_length = length;
  q.write_handle = std::move(write_handle);
  q.write_offset = write_offset;
  run(impl_, std::move(r), std::move(q));
}

void sftp_server::serve_directory(channel ch, std::string root, sftp_server_options options,
                                  detail::completion<boost::system::error_code> done) {
  auto handlers = sftp_directory_handlers::open(root, options);
  if (!handlers) {
    if (options.debug) options.debug("cannot serve " + root + ": " + handlers.error().message());
    ch.close();
    return done(handlers.error().code);
  }
  serve(std::move(ch), std::move(*handlers), std::move(options), std::move(done));
}

}  // namespace sshlib
