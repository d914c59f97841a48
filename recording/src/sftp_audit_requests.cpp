// sftp_audit: one handler per request (draft-ietf-secsh-filexfer-02 section 6, OpenSSH's
// PROTOCOL section 4 for the extended ones). Each records what its event will say and which
// replies may answer it; the event goes out when the reply arrives (sftp_audit.cpp).
#include "sftp_audit_impl.hpp"
#include "sftp_audit_text.hpp"

namespace bastion::recording {

namespace protocol = sshlib::sftp::protocol;
using sftp_detail::pending_op;
using sftp_detail::utf8_text;
using kind = pending_op::kind;
using mt = protocol::message_type;

namespace {

nlohmann::json path_fields(const std::string& path) {
  return {{"path", utf8_text(path)}};
}

nlohmann::json two_paths(const char* a, const std::string& pa, const char* b,
                         const std::string& pb) {
  return {{a, utf8_text(pa)}, {b, utf8_text(pb)}};
}

template <class M>
nlohmann::json extension_fields(nlohmann::json fields = nlohmann::json::object()) {
  fields["extension"] = M::extension_name;
  return fields;
}

}  // namespace

bool sftp_audit::impl::on_request(const protocol::init_request& m) {
  init_seen_ = true;
  client_version_ = m.version;
  for (const auto& e : m.extensions) client_extensions_.push_back(utf8_text(e.name));
  return true;
}

bool sftp_audit::impl::on_request(const protocol::open_request& m) {
  auto fields = path_fields(m.path);
  const auto flags = static_cast<std::uint32_t>(m.flags);
  fields["flags"] = sftp_detail::open_flag_names(flags);
  if (m.attrs.permissions) {
    fields["permissions"] = sftp_detail::octal_permissions(*m.attrs.permissions);
  }
  auto op = plain(m.type, "open", std::move(fields), sftp_detail::reply_handle);
  op.what = kind::open;
  op.open_flags = flags;
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::opendir_request& m) {
  auto op = plain(m.type, "opendir", path_fields(m.path), sftp_detail::reply_handle);
  op.what = kind::opendir;
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::close_request& m) {
  pending_op op = plain(m.type, "close", nlohmann::json::object());
  op.what = kind::close;
  op.file = find_handle(m.handle);
  op.handle.assign(m.handle.begin(), m.handle.end());
  if (!op.file) op.fields["path"] = nullptr;  // a handle the audit never saw opened
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::read_request& m) {
  pending_op op;
  op.what = kind::read;
  op.type = m.type;
  op.accepts = sftp_detail::reply_data;
  op.file = find_handle(m.handle);
  op.offset = m.offset;
  op.asked = m.length;
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::write_request& m) {
  // WRITE is streamed by the framer (write_head); this path serves a decoded one alike.
  pending_op op;
  op.what = kind::write;
  op.type = m.type;
  op.file = find_handle(m.handle);
  op.length = m.data.size();
  auto file = op.file;
  if (!add_pending(m.id, std::move(op))) return false;
  if (file) {
    file->write_begin(m.offset, m.data.size());
    file->write_data(m.data);
  }
  return true;
}

bool sftp_audit::impl::on_request(const protocol::readdir_request& m) {
  pending_op op;
  op.what = kind::readdir;
  op.type = m.type;
  op.accepts = sftp_detail::reply_name;
  op.file = find_handle(m.handle);
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::lstat_request& m) {
  return add_pending(m.id, plain(m.type, "lstat", path_fields(m.path), sftp_detail::reply_attrs));
}

bool sftp_audit::impl::on_request(const protocol::stat_request& m) {
  return add_pending(m.id, plain(m.type, "stat", path_fields(m.path), sftp_detail::reply_attrs));
}

bool sftp_audit::impl::on_request(const protocol::fstat_request& m) {
  return add_pending(
      m.id, plain(m.type, "fstat", {{"path", handle_path(m.handle)}}, sftp_detail::reply_attrs));
}

bool sftp_audit::impl::on_request(const protocol::setstat_request& m) {
  auto fields = path_fields(m.path);
  sftp_detail::add_attributes(fields, m.attrs);
  return add_pending(m.id, plain(m.type, "setstat", std::move(fields)));
}

bool sftp_audit::impl::on_request(const protocol::fsetstat_request& m) {
  nlohmann::json fields = {{"path", handle_path(m.handle)}};
  sftp_detail::add_attributes(fields, m.attrs);
  return add_pending(m.id, plain(m.type, "fsetstat", std::move(fields)));
}

bool sftp_audit::impl::on_request(const protocol::remove_request& m) {
  return add_pending(m.id, plain(m.type, "remove", path_fields(m.path)));
}

bool sftp_audit::impl::on_request(const protocol::mkdir_request& m) {
  auto fields = path_fields(m.path);
  sftp_detail::add_attributes(fields, m.attrs);
  return add_pending(m.id, plain(m.type, "mkdir", std::move(fields)));
}

bool sftp_audit::impl::on_request(const protocol::rmdir_request& m) {
  return add_pending(m.id, plain(m.type, "rmdir", path_fields(m.path)));
}

bool sftp_audit::impl::on_request(const protocol::realpath_request& m) {
  auto op = plain(m.type, "realpath", path_fields(m.path), sftp_detail::reply_name);
  op.name_field = "resolved";
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::rename_request& m) {
  return add_pending(m.id,
                     plain(m.type, "rename", two_paths("from", m.old_path, "to", m.new_path)));
}

bool sftp_audit::impl::on_request(const protocol::readlink_request& m) {
  auto op = plain(m.type, "readlink", path_fields(m.path), sftp_detail::reply_name);
  op.name_field = "target";
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::symlink_request& m) {
  // Draft order here; emit_op swaps them for an OpenSSH server.
  auto op = plain(m.type, "symlink", two_paths("link", m.link_path, "target", m.target_path));
  op.symlink = true;
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::posix_rename_request& m) {
  using M = protocol::posix_rename_request;
  return add_pending(m.id,
                     plain(m.type, "rename",
                           extension_fields<M>(two_paths("from", m.old_path, "to", m.new_path))));
}

bool sftp_audit::impl::on_request(const protocol::statvfs_request& m) {
  using M = protocol::statvfs_request;
  return add_pending(m.id, plain(m.type, "statvfs", extension_fields<M>(path_fields(m.path)),
                                 sftp_detail::reply_extended));
}

bool sftp_audit::impl::on_request(const protocol::fstatvfs_request& m) {
  using M = protocol::fstatvfs_request;
  return add_pending(
      m.id, plain(m.type, "fstatvfs", extension_fields<M>({{"path", handle_path(m.handle)}}),
                  sftp_detail::reply_extended));
}

bool sftp_audit::impl::on_request(const protocol::hardlink_request& m) {
  // link(old_path, new_path): new_path is the link made, old_path what it points at.
  using M = protocol::hardlink_request;
  return add_pending(
      m.id, plain(m.type, "hardlink",
                  extension_fields<M>(two_paths("target", m.old_path, "link", m.new_path))));
}

bool sftp_audit::impl::on_request(const protocol::fsync_request& m) {
  using M = protocol::fsync_request;
  return add_pending(
      m.id, plain(m.type, "fsync", extension_fields<M>({{"path", handle_path(m.handle)}})));
}

bool sftp_audit::impl::on_request(const protocol::lsetstat_request& m) {
  using M = protocol::lsetstat_request;
  auto fields = path_fields(m.path);
  sftp_detail::add_attributes(fields, m.attrs);
  return add_pending(m.id, plain(m.type, "lsetstat", extension_fields<M>(std::move(fields))));
}

bool sftp_audit::impl::on_request(const protocol::limits_request& m) {
  using M = protocol::limits_request;
  return add_pending(m.id,
                     plain(m.type, "limits", extension_fields<M>(), sftp_detail::reply_extended));
}

bool sftp_audit::impl::on_request(const protocol::expand_path_request& m) {
  using M = protocol::expand_path_request;
  auto op = plain(m.type, "expand_path", extension_fields<M>(path_fields(m.path)),
                  sftp_detail::reply_name);
  op.name_field = "resolved";
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::copy_data_request& m) {
  using M = protocol::copy_data_request;
  nlohmann::json fields = {{"from", handle_path(m.read_handle)},
                           {"read_offset", m.read_offset},
                           {"read_length", m.read_length},
                           {"to", handle_path(m.write_handle)},
                           {"write_offset", m.write_offset}};
  // The copied bytes never cross the channel: the written file's hash cannot be known.
  if (auto to = find_handle(m.write_handle)) to->written_elsewhere();
  return add_pending(m.id, plain(m.type, "copy_data", extension_fields<M>(std::move(fields))));
}

bool sftp_audit::impl::on_request(const protocol::home_directory_request& m) {
  using M = protocol::home_directory_request;
  auto op =
      plain(m.type, "home_directory", extension_fields<M>({{"username", utf8_text(m.username)}}),
            sftp_detail::reply_name);
  op.name_field = "resolved";
  return add_pending(m.id, std::move(op));
}

bool sftp_audit::impl::on_request(const protocol::users_groups_by_id_request& m) {
  using M = protocol::users_groups_by_id_request;
  return add_pending(m.id,
                     plain(m.type, "users_groups_by_id",
                           extension_fields<M>({{"uids", m.uids.size()}, {"gids", m.gids.size()}}),
                           sftp_detail::reply_extended));
}

bool sftp_audit::impl::on_request(const protocol::extended_request& m) {
  // An extension the audit does not know: its name, and any reply accepted.
  return add_pending(
      m.id, plain(m.type, "extended", {{"extension", utf8_text(m.name)}}, sftp_detail::reply_any));
}

}  // namespace bastion::recording
