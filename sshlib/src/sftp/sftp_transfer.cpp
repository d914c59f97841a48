// sftp_client's whole-file operations: fast_get and fast_put keep `concurrency` READs or
// WRITEs in flight, so a transfer is bound by bandwidth and not by round trips (one request
// at a time is what makes naive SFTP clients slow); read_file and write_file are the simple
// forms for small files. fast_get writes the local file on a thread of its own; fast_put
// reads it with pread on the client's thread (a page-cache read is cheap next to encryption).
#include "sftp/sftp_client_impl.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace sshlib {
using boost::system::error_code;

namespace {

// Owns a local file descriptor.
class local_file {
public:
  local_file() = default;
  explicit local_file(int fd) noexcept : fd_(fd) {}
  local_file(local_file&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  local_file& operator=(local_file&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~local_file() { reset(); }
  int get() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }
  /// Closes, reporting what close(2) says (a write error may surface only here).
  error_code close() noexcept {
    if (fd_ < 0) return {};
    const int r = ::close(std::exchange(fd_, -1));
    return r == 0 ? error_code{} : error_code(errno, boost::system::system_category());
  }

private:
  void reset() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }
  int fd_ = -1;
};

error_code last_errno() { return {errno, boost::system::system_category()}; }

std::size_t chunk_for(const sftp::transfer_options& o, std::size_t server_cap) {
  std::size_t n = o.chunk_size == 0 ? 32768 : o.chunk_size;
  return std::min(n, server_cap);
}

// ---- fast_get ----------------------------------------------------------------------------

struct fast_get_op : std::enable_shared_from_this<fast_get_op> {
  sftp_client client;
  std::shared_ptr<sftp_client_impl> impl;
  sftp::transfer_options options;
  detail::completion<error_code> done;
  sftp::handle remote;
  local_file local;
  // Local writes run on their own thread: page-cache writes cost as much CPU as decrypting
  // the data, and overlapping the two is what lets one client keep up with the network.
  boost::asio::thread_pool writer{1};
  boost::asio::any_io_executor executor;  // the client's: where the writer reports back
  std::optional<std::uint64_t> size;  // from FSTAT; absent: read until EOF
  std::size_t chunk = 32768;
  std::uint64_t next_offset = 0;
  std::uint64_t transferred = 0;
  unsigned reads = 0, writes = 0;  // in flight
  bool at_end = false;
  bool finishing = false;
  error_code first_error;

  bool stopping() const { return at_end || first_error; }

  void launch() {
    const unsigned limit = std::max(1u, options.concurrency);
    while (!stopping() && reads < limit && writes < limit && (!size || next_offset < *size)) {
      std::size_t n = chunk;
      if (size) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *size - next_offset));
      read(next_offset, n);
      next_offset += n;
    }
    if (reads == 0 && writes == 0) finish();
  }

  void read(std::uint64_t offset, std::size_t n) {
    ++reads;
    // Straight on the request table rather than through async_read: the reply's data is
    // moved to the writer as it is, without a copy into a buffer of ours.
    impl->send(sftp::protocol::read_request{0, remote.value, offset, static_cast<std::uint32_t>(n)},
               [self = shared_from_this(), offset, n](error_code ec, sftp::protocol::response* r) {
                 if (ec) return self->on_read(ec, offset, n, {});
                 if (auto* d = std::get_if<sftp::protocol::data_response>(r)) {
                   if (d->data.size() > n) return self->on_read(make_error_code(errc::sftp_protocol_error), offset, n, {});
                   return self->on_read(error_code{}, offset, n, std::move(d->data));
                 }
                 auto* s = std::get_if<sftp::protocol::status_response>(r);
                 const error_code status = s != nullptr && s->code != sftp::status_code::ok
                                               ? make_error_code(s->code)
                                               : make_error_code(errc::sftp_protocol_error);
                 self->on_read(status, offset, n, {});
               });
  }

  void on_read(error_code ec, std::uint64_t offset, std::size_t asked, bytes data) {
    --reads;
    const std::size_t got = data.size();
    if (ec == sftp::status_code::eof || (!ec && got == 0)) {
      at_end = true;  // the file ended (or shrank) before the size FSTAT gave
    } else if (ec) {
      if (!first_error) first_error = ec;
    } else if (!first_error) {
      write(offset, std::make_shared<bytes>(std::move(data)), got);
      // A short read is not the end: servers may return less than asked. Ask for the rest.
      if (got < asked) read(offset + got, asked - got);
    }
    launch();
  }

  void write(std::uint64_t offset, std::shared_ptr<bytes> buffer, std::size_t n) {
    ++writes;
    boost::asio::post(writer, [self = shared_from_this(), offset, buffer = std::move(buffer), n]() mutable {
      error_code ec;
      std::size_t written = 0;
      while (written < n) {
        const auto w = ::pwrite(self->local.get(), buffer->data() + written, n - written, static_cast<off_t>(offset + written));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
          ec = last_errno();
          break;
        }
        written += static_cast<std::size_t>(w);
      }
      buffer.reset();
      // The op is handed back whole: the writer thread must not hold the last reference,
      // or the op (and this thread pool) would be destroyed on its own thread.
      auto ex = self->executor;
      boost::asio::post(ex, [self = std::move(self), ec, n]() { self->on_written(ec, n); });
    });
  }

  void on_written(error_code ec, std::size_t n) {
    --writes;
    if (ec && !first_error) first_error = ec;
    if (!ec) {
      transferred += n;
      if (options.step && !first_error) options.step(transferred, n, size.value_or(transferred));
    }
    launch();
  }

  void finish() {
    if (finishing) return;
    finishing = true;
    writer.join();  // idle: every write has reported back
    client.async_close(remote, [self = shared_from_this()](error_code close_ec) {
      error_code ec = self->first_error ? self->first_error : close_ec;
      const error_code local_ec = self->local.close();
      if (!ec) ec = local_ec;
      auto d = std::move(self->done);
      d(ec);
    });
  }
};

// ---- fast_put ----------------------------------------------------------------------------

struct fast_put_op : std::enable_shared_from_this<fast_put_op> {
  sftp_client client;
  std::shared_ptr<sftp_client_impl> impl;
  sftp::transfer_options options;
  detail::completion<error_code> done;
  sftp::handle remote;
  local_file local;
  std::uint64_t size = 0;
  std::size_t chunk = 32768;
  std::uint64_t next_offset = 0;
  std::uint64_t transferred = 0;
  unsigned in_flight = 0;
  bool finishing = false;
  error_code first_error;

  void launch() {
    const unsigned limit = std::max(1u, options.concurrency);
    while (!first_error && in_flight < limit && next_offset < size) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - next_offset));
      bytes buffer(n);
      std::size_t got = 0;
      while (got < n) {
        const auto r = ::pread(local.get(), buffer.data() + got, n - got, static_cast<off_t>(next_offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
          first_error = last_errno();
          break;
        }
        if (r == 0) break;  // the local file shrank while we sent it: send what there is
        got += static_cast<std::size_t>(r);
      }
      if (first_error) break;
      if (got == 0) {
        size = next_offset;
        break;
      }
      buffer.resize(got);
      ++in_flight;
      const std::uint64_t offset = next_offset;
      next_offset += got;
      // The chunk moves into the WRITE request: no copy of ours between the file and the packet.
      impl->send(sftp::protocol::write_request{0, remote.value, offset, std::move(buffer)},
                 [self = shared_from_this(), got](error_code ec, sftp::protocol::response* r) {
                   --self->in_flight;
                   if (!ec) {
                     auto* st = std::get_if<sftp::protocol::status_response>(r);
                     ec = st != nullptr ? make_error_code(st->code) : make_error_code(errc::sftp_protocol_error);
                   }
                   if (ec && !self->first_error) self->first_error = ec;
                   if (!ec) {
                     self->transferred += got;
                     if (self->options.step) self->options.step(self->transferred, got, self->size);
                   }
                   self->launch();
                 });
    }
    if (in_flight == 0) finish();
  }

  void finish() {
    if (finishing) return;
    finishing = true;
    client.async_close(remote, [self = shared_from_this()](error_code close_ec) {
      auto d = std::move(self->done);
      d(self->first_error ? self->first_error : close_ec);
    });
  }
};

}  // namespace

void sftp_client::do_fast_get(std::string remote, std::string local, sftp::transfer_options options, done_t<> done) {
  if (!impl_) return done(make_error_code(errc::connection_closed));
  auto op = std::make_shared<fast_get_op>();
  op->client = *this;
  op->impl = impl_;
  op->executor = get_executor();
  op->chunk = chunk_for(options, impl_->max_read());
  op->options = std::move(options);
  op->done = std::move(done);
  async_open(std::move(remote), sftp::open_mode::read, [op, local = std::move(local)](error_code ec, sftp::handle h) {
    if (ec) return op->done(ec);
    op->remote = std::move(h);
    op->client.async_fstat(op->remote, [op, local](error_code fstat_ec, sftp::file_attributes attrs) {
      if (!fstat_ec) op->size = attrs.size;
      op->local = local_file(::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, op->options.mode));
      if (!op->local.is_open()) {
        op->first_error = last_errno();
        return op->finish();
      }
      op->launch();
    });
  });
}

void sftp_client::do_fast_put(std::string local, std::string remote, sftp::transfer_options options, done_t<> done) {
  if (!impl_) return done(make_error_code(errc::connection_closed));
  auto op = std::make_shared<fast_put_op>();
  op->client = *this;
  op->impl = impl_;
  op->chunk = chunk_for(options, impl_->max_write());
  op->local = local_file(::open(local.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!op->local.is_open() || ::fstat(op->local.get(), &st) != 0) return done(last_errno());
  op->size = static_cast<std::uint64_t>(st.st_size);
  sftp::file_attributes attrs;
  attrs.permissions = options.mode;
  op->options = std::move(options);
  op->done = std::move(done);
  async_open(std::move(remote), sftp::open_mode::write | sftp::open_mode::create | sftp::open_mode::truncate,
             std::move(attrs), [op](error_code ec, sftp::handle h) {
               if (ec) return op->done(ec);
               op->remote = std::move(h);
               op->launch();
             });
}

// ---- read_file / write_file ------------------------------------------------------------------

namespace {
struct read_file_op : std::enable_shared_from_this<read_file_op> {
  sftp_client client;
  sftp::handle remote;
  std::size_t max_size = 0;
  bytes data;
  std::size_t chunk = 32768;
  detail::completion<error_code, bytes> done;

  void next() {
    const std::size_t old = data.size();
    if (old >= max_size + 1) return finish(make_error_code(errc::length_exceeds_limit));
    const std::size_t ask = std::min(chunk, max_size + 1 - old);  // one byte more reveals a larger file
    data.resize(old + ask);
    client.async_read(remote, old, boost::asio::buffer(data.data() + old, ask),
                      [self = shared_from_this(), old](error_code ec, std::size_t got) {
                        self->data.resize(old + got);
                        if (ec == sftp::status_code::eof) return self->finish(error_code{});
                        if (ec) return self->finish(ec);
                        self->next();
                      });
  }
  void finish(error_code ec) {
    client.async_close(remote, [self = shared_from_this(), ec](error_code close_ec) {
      const error_code result = ec ? ec : close_ec;
      self->done(result, result ? bytes{} : std::move(self->data));
    });
  }
};
}  // namespace

void sftp_client::do_read_file(std::string path, std::size_t max_size, done_t<bytes> done) {
  if (!impl_) return done(make_error_code(errc::connection_closed), {});
  auto op = std::make_shared<read_file_op>();
  op->client = *this;
  op->max_size = max_size;
  op->chunk = impl_->max_read();
  op->done = std::move(done);
  async_open(std::move(path), sftp::open_mode::read, [op](error_code ec, sftp::handle h) {
    if (ec) return op->done(ec, {});
    op->remote = std::move(h);
    op->next();
  });
}

void sftp_client::do_write_file(bool append, std::string path, bytes data, done_t<> done) {
  if (!impl_) return done(make_error_code(errc::connection_closed));
  const auto mode = sftp::open_mode::write | sftp::open_mode::create |
                    (append ? sftp::open_mode::append : sftp::open_mode::truncate);
  auto payload = std::make_shared<bytes>(std::move(data));
  async_open(std::move(path), mode, [c = *this, payload, append, done = std::move(done)](error_code ec, sftp::handle h) mutable {
    if (ec) return done(ec);
    auto write_at = [c, payload, h, done = std::move(done)](std::uint64_t offset) mutable {
      c.async_write(h, offset, boost::asio::buffer(*payload), [c, h, payload, done = std::move(done)](error_code write_ec) mutable {
        c.async_close(h, [write_ec, done = std::move(done)](error_code close_ec) mutable {
          done(write_ec ? write_ec : close_ec);
        });
      });
    };
    if (!append) return write_at(0);
    // SSH_FXF_APPEND is advisory for many servers (OpenSSH's ignores it): write at the end.
    c.async_fstat(h, [write_at = std::move(write_at)](error_code fstat_ec, sftp::file_attributes attrs) mutable {
      write_at(!fstat_ec && attrs.size ? *attrs.size : 0);
    });
  });
}

}  // namespace sshlib
