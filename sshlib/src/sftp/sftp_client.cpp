// sshlib::sftp_client: each operation builds its request and turns the reply it expects
// into the completion's values; a STATUS becomes its code, anything else a protocol error.
#include "sftp/sftp_client_impl.hpp"

#include <sshlib/error.hpp>

#include <boost/asio/error.hpp>

#include <memory>

namespace sshlib {
using boost::system::error_code;
namespace protocol = sftp::protocol;

namespace {

error_code protocol_error() { return make_error_code(errc::sftp_protocol_error); }

// The error a reply means when it is not the `Expected` kind: its STATUS code (OK where a
// value was due is a protocol error), or a protocol error.
error_code unexpected(const protocol::response& r) {
  if (auto* s = std::get_if<protocol::status_response>(&r)) {
    return s->code == sftp::status_code::ok ? protocol_error() : make_error_code(s->code);
  }
  return protocol_error();
}

// A reply handler expecting `Expected`: calls f(error_code, const Expected*), the pointer
// set only on success.
template <class Expected, class F>
sftp_client_impl::reply_handler expect(F f) {
  return [f = std::move(f)](error_code ec, protocol::response* r) mutable {
    if (ec) return f(ec, nullptr);
    if (auto* x = std::get_if<Expected>(r)) return f(error_code{}, x);
    f(unexpected(*r), nullptr);
  };
}

// A reply handler expecting STATUS: its code is the result.
sftp_client_impl::reply_handler expect_status(detail::completion<error_code> done) {
  return [done = std::move(done)](error_code ec, protocol::response* r) mutable {
    if (ec) return done(ec);
    if (auto* s = std::get_if<protocol::status_response>(r)) return done(make_error_code(s->code));
    done(protocol_error());
  };
}

// An EXTENDED_REPLY to `name` holding a `Body`.
template <class Body>
sftp_client_impl::reply_handler expect_extended(std::string_view name, detail::completion<error_code, Body> done) {
  return expect<protocol::extended_reply>([name, done = std::move(done)](error_code ec, const protocol::extended_reply* x) mutable {
    if (ec) return done(ec, Body{});
    auto body = protocol::decode_extended_reply(name, x->data);
    if (!body || !std::holds_alternative<Body>(*body)) return done(protocol_error(), Body{});
    done(error_code{}, std::get<Body>(std::move(*body)));
  });
}

// Rejects an operation on a client that was never started (default-constructed).
template <class... Values>
bool no_session(const std::shared_ptr<sftp_client_impl>& impl, detail::completion<error_code, Values...>& done) {
  if (impl) return false;
  done(make_error_code(errc::connection_closed), Values{}...);
  return true;
}

}  // namespace

void sftp_client::start(channel ch, sftp_options options, done_t<sftp_client> done) {
  auto impl = std::make_shared<sftp_client_impl>(std::move(ch), std::move(options));
  impl->start([impl, done = std::move(done)](error_code ec) mutable {
    if (ec) return done(ec, sftp_client{});
    done(error_code{}, sftp_client(impl));
  });
}

void sftp_client::open_on(client& c, sftp_options options, done_t<sftp_client> done) {
  c.async_subsystem("sftp", [o = std::move(options), done = std::move(done)](error_code ec, channel ch) mutable {
    if (ec) return done(ec, sftp_client{});
    start(std::move(ch), std::move(o), std::move(done));
  });
}

sftp_client::executor_type sftp_client::get_executor() const { return impl_->executor(); }
bool sftp_client::is_open() const noexcept { return impl_ && impl_->is_open(); }
const std::vector<std::pair<std::string, std::string>>& sftp_client::extensions() const { return impl_->extensions(); }
bool sftp_client::has_extension(std::string_view name) const { return impl_ && impl_->has_extension(name); }
sftp::server_limits sftp_client::limits() const { return impl_ ? impl_->limits() : sftp::server_limits{}; }
void sftp_client::close() {
  if (impl_) impl_->close();
}

// ---- files ---------------------------------------------------------------------------

void sftp_client::do_open(std::string path, sftp::open_mode mode, sftp::file_attributes attrs, done_t<sftp::handle> done) {
  if (no_session(impl_, done)) return;
  protocol::open_request r;
  r.path = std::move(path);
  r.flags = mode;
  r.attrs = std::move(attrs);
  impl_->send(std::move(r), expect<protocol::handle_response>([done = std::move(done)](error_code ec, const protocol::handle_response* h) mutable {
                done(ec, h != nullptr ? sftp::handle{h->handle} : sftp::handle{});
              }));
}

void sftp_client::do_close(sftp::handle h, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::close_request{0, std::move(h.value)}, expect_status(std::move(done)));
}

void sftp_client::do_read(const sftp::handle& h, std::uint64_t offset, boost::asio::mutable_buffer b, done_t<std::size_t> done) {
  if (no_session(impl_, done)) return;
  const auto length = static_cast<std::uint32_t>(std::min(b.size(), impl_->max_read()));
  impl_->send(protocol::read_request{0, h.value, offset, length},
              expect<protocol::data_response>([b, done = std::move(done)](error_code ec, const protocol::data_response* d) mutable {
                if (ec) return done(ec, 0);
                // A server may not send more than was asked for.
                if (d->data.size() > b.size()) return done(protocol_error(), 0);
                std::copy(d->data.begin(), d->data.end(), static_cast<std::uint8_t*>(b.data()));
                done(error_code{}, d->data.size());
              }));
}

void sftp_client::do_write(const sftp::handle& h, std::uint64_t offset, boost::asio::const_buffer b, done_t<> done) {
  if (no_session(impl_, done)) return;
  // One WRITE per max_write bytes, all in flight; the first error is the result.
  struct join {
    done_t<> done;
    std::size_t left = 0;
    error_code first;
  };
  const std::size_t step = impl_->max_write();
  const auto* data = static_cast<const std::uint8_t*>(b.data());
  auto j = std::make_shared<join>(join{std::move(done), b.size() == 0 ? 1 : (b.size() + step - 1) / step, {}});
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(step, b.size() - at);
    impl_->send(protocol::write_request{0, h.value, offset + at, bytes(data + at, data + at + n)},
                expect_status([j](error_code ec) {
                  if (ec && !j->first) j->first = ec;
                  if (--j->left == 0) j->done(j->first);
                }));
    at += n;
  } while (at < b.size());
}

void sftp_client::do_fstat(const sftp::handle& h, done_t<sftp::file_attributes> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::fstat_request{0, h.value},
              expect<protocol::attrs_response>([done = std::move(done)](error_code ec, const protocol::attrs_response* a) mutable {
                done(ec, a != nullptr ? a->attrs : sftp::file_attributes{});
              }));
}

void sftp_client::do_fsetstat(const sftp::handle& h, sftp::file_attributes attrs, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::fsetstat_request{0, h.value, std::move(attrs)}, expect_status(std::move(done)));
}

// ---- directories ---------------------------------------------------------------------

void sftp_client::do_opendir(std::string path, done_t<sftp::handle> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::opendir_request{0, std::move(path)},
              expect<protocol::handle_response>([done = std::move(done)](error_code ec, const protocol::handle_response* h) mutable {
                done(ec, h != nullptr ? sftp::handle{h->handle} : sftp::handle{});
              }));
}

void sftp_client::do_readdir(const sftp::handle& h, done_t<std::vector<sftp::directory_entry>> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::readdir_request{0, h.value},
              [done = std::move(done)](error_code ec, protocol::response* r) mutable {
                if (ec) return done(ec, {});
                if (auto* n = std::get_if<protocol::name_response>(r)) return done(error_code{}, std::move(n->entries));
                auto* s = std::get_if<protocol::status_response>(r);
                // The end of the listing is STATUS EOF: an empty batch, as the seed's `false`.
                if (s != nullptr && s->code == sftp::status_code::eof) return done(error_code{}, {});
                done(unexpected(*r), {});
              });
}

namespace {
// OPENDIR's handle, READDIR until an empty batch, then CLOSE.
struct directory_listing : std::enable_shared_from_this<directory_listing> {
  sftp_client client;
  sftp::handle handle;
  std::vector<sftp::directory_entry> entries;
  detail::completion<error_code, std::vector<sftp::directory_entry>> done;

  void next() {
    client.async_readdir(handle, [self = shared_from_this()](error_code ec, std::vector<sftp::directory_entry> batch) {
      if (ec || batch.empty()) return self->finish(ec);
      for (auto& e : batch) self->entries.push_back(std::move(e));
      self->next();
    });
  }
  void finish(error_code ec) {
    client.async_close(handle, [self = shared_from_this(), ec](error_code close_ec) {
      const error_code result = ec ? ec : close_ec;
      self->done(result, result ? std::vector<sftp::directory_entry>{} : std::move(self->entries));
    });
  }
};
}  // namespace

void sftp_client::do_list_directory(std::string path, done_t<std::vector<sftp::directory_entry>> done) {
  if (no_session(impl_, done)) return;
  do_opendir(std::move(path), [c = *this, done = std::move(done)](error_code ec, sftp::handle h) mutable {
    if (ec) return done(ec, {});
    auto listing = std::make_shared<directory_listing>();
    listing->client = std::move(c);
    listing->handle = std::move(h);
    listing->done = std::move(done);
    listing->next();
  });
}

void sftp_client::do_mkdir(std::string path, sftp::file_attributes attrs, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::mkdir_request{0, std::move(path), std::move(attrs)}, expect_status(std::move(done)));
}

void sftp_client::do_rmdir(std::string path, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::rmdir_request{0, std::move(path)}, expect_status(std::move(done)));
}

// ---- paths ---------------------------------------------------------------------------

void sftp_client::do_unlink(std::string path, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::remove_request{0, std::move(path)}, expect_status(std::move(done)));
}

void sftp_client::do_rename(bool posix, std::string from, std::string to, done_t<> done) {
  if (no_session(impl_, done)) return;
  if (posix) {
    impl_->send(protocol::posix_rename_request{0, std::move(from), std::move(to)}, expect_status(std::move(done)));
  } else {
    impl_->send(protocol::rename_request{0, std::move(from), std::move(to)}, expect_status(std::move(done)));
  }
}

void sftp_client::do_stat(bool follow, std::string path, done_t<sftp::file_attributes> done) {
  if (no_session(impl_, done)) return;
  auto on_reply = expect<protocol::attrs_response>([done = std::move(done)](error_code ec, const protocol::attrs_response* a) mutable {
    done(ec, a != nullptr ? a->attrs : sftp::file_attributes{});
  });
  if (follow) {
    impl_->send(protocol::stat_request{0, std::move(path)}, std::move(on_reply));
  } else {
    impl_->send(protocol::lstat_request{0, std::move(path)}, std::move(on_reply));
  }
}

void sftp_client::do_setstat(bool no_follow, std::string path, sftp::file_attributes attrs, done_t<> done) {
  if (no_session(impl_, done)) return;
  if (no_follow) {
    impl_->send(protocol::lsetstat_request{0, std::move(path), std::move(attrs)}, expect_status(std::move(done)));
  } else {
    impl_->send(protocol::setstat_request{0, std::move(path), std::move(attrs)}, expect_status(std::move(done)));
  }
}

void sftp_client::do_single_name(single_name kind, std::string text, done_t<std::string> done) {
  if (no_session(impl_, done)) return;
  // Each of these is answered by a NAME with exactly one entry.
  auto on_reply = expect<protocol::name_response>([done = std::move(done)](error_code ec, const protocol::name_response* n) mutable {
    if (ec) return done(ec, {});
    if (n->entries.size() != 1) return done(protocol_error(), {});
    done(error_code{}, n->entries.front().filename);
  });
  switch (kind) {
    case single_name::readlink: return impl_->send(protocol::readlink_request{0, std::move(text)}, std::move(on_reply));
    case single_name::realpath: return impl_->send(protocol::realpath_request{0, std::move(text)}, std::move(on_reply));
    case single_name::expand_path:
      return impl_->send(protocol::expand_path_request{0, std::move(text)}, std::move(on_reply));
    case single_name::home_directory:
      return impl_->send(protocol::home_directory_request{0, std::move(text)}, std::move(on_reply));
  }
}

void sftp_client::do_symlink(std::string target, std::string link, done_t<> done) {
  if (no_session(impl_, done)) return;
  protocol::symlink_request r;
  if (impl_->options().openssh_symlink_order) {
    r.link_path = std::move(target);  // OpenSSH reads the target first
    r.target_path = std::move(link);
  } else {
    r.link_path = std::move(link);
    r.target_path = std::move(target);
  }
  impl_->send(std::move(r), expect_status(std::move(done)));
}

void sftp_client::do_exists(std::string path, done_t<bool> done) {
  if (no_session(impl_, done)) return;
  do_stat(true, std::move(path), [done = std::move(done)](error_code ec, const sftp::file_attributes&) mutable {
    if (ec == sftp::status_code::no_such_file) return done(error_code{}, false);
    done(ec, !ec);
  });
}

// ---- OpenSSH extensions --------------------------------------------------------------

void sftp_client::do_statvfs(std::string path, done_t<sftp::fs_info> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::statvfs_request{0, std::move(path)},
              expect_extended<sftp::fs_info>(protocol::statvfs_request::extension_name, std::move(done)));
}

void sftp_client::do_fstatvfs(const sftp::handle& h, done_t<sftp::fs_info> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::fstatvfs_request{0, h.value},
              expect_extended<sftp::fs_info>(protocol::fstatvfs_request::extension_name, std::move(done)));
}

void sftp_client::do_hardlink(std::string target, std::string link, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::hardlink_request{0, std::move(target), std::move(link)}, expect_status(std::move(done)));
}

void sftp_client::do_fsync(const sftp::handle& h, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::fsync_request{0, h.value}, expect_status(std::move(done)));
}

void sftp_client::do_copy_data(const sftp::handle& from, std::uint64_t from_offset, std::uint64_t length,
                               const sftp::handle& to, std::uint64_t to_offset, done_t<> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::copy_data_request{0, from.value, from_offset, length, to.value, to_offset},
              expect_status(std::move(done)));
}

void sftp_client::do_users_groups(std::vector<std::uint32_t> uids, std::vector<std::uint32_t> gids,
                                  done_t<sftp::user_group_names> done) {
  if (no_session(impl_, done)) return;
  impl_->send(protocol::users_groups_by_id_request{0, std::move(uids), std::move(gids)},
              expect_extended<protocol::users_groups_reply>(
                  protocol::users_groups_by_id_request::extension_name,
                  [done = std::move(done)](error_code ec, protocol::users_groups_reply r) mutable {
                    done(ec, sftp::user_group_names{std::move(r.user_names), std::move(r.group_names)});
                  }));
}

}  // namespace sshlib

namespace sshlib {

// ---- sftp_file -------------------------------------------------------------------------

void sftp_client::do_open_file(std::string path, sftp::open_mode mode, sftp::file_attributes attrs,
                               done_t<sftp_file> done) {
  if (no_session(impl_, done)) return;
  do_open(std::move(path), mode, std::move(attrs), [c = *this, mode, done = std::move(done)](error_code ec, sftp::handle h) mutable {
    if (ec) return done(ec, sftp_file{});
    if (!sftp::has_flag(mode, sftp::open_mode::append)) return done(error_code{}, sftp_file(c, std::move(h)));
    auto handle = h;
    c.async_fstat(handle, [c, h = std::move(h), done = std::move(done)](error_code fstat_ec, sftp::file_attributes a) mutable {
      if (fstat_ec) return done(fstat_ec, sftp_file{});
      done(error_code{}, sftp_file(c, std::move(h), a.size.value_or(0)));
    });
  });
}

void sftp_file::do_read_some(boost::asio::mutable_buffer b, detail::completion<error_code, std::size_t> done) {
  if (b.size() == 0) return done(error_code{}, 0);
  client_.async_read(handle_, position_, b, [this, done = std::move(done)](error_code ec, std::size_t n) mutable {
    if (ec == sftp::status_code::eof) return done(boost::asio::error::eof, 0);
    if (!ec) position_ += n;
    done(ec, ec ? 0 : n);
  });
}

void sftp_file::do_write_some(boost::asio::const_buffer b, detail::completion<error_code, std::size_t> done) {
  if (b.size() == 0) return done(error_code{}, 0);
  client_.async_write(handle_, position_, b, [this, n = b.size(), done = std::move(done)](error_code ec) mutable {
    if (!ec) position_ += n;
    done(ec, ec ? 0 : n);
  });
}

}  // namespace sshlib
