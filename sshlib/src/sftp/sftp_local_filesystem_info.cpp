// Answers about names rather than files: REALPATH (draft section 6.11), and OpenSSH's
// expand-path, home-directory, limits and users-groups-by-id (PROTOCOL 4.9, 4.11, 4.8,
// 4.12). Paths are in the client's view, where the root is "/": no host path ever leaves.
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_limits.hpp"
#include "sftp/sftp_local_filesystem_detail.hpp"

namespace sshlib::sftp::local_fs {

namespace {

protocol::response one_name(std::uint32_t id, std::string path) {
  directory_entry e;
  e.longname = path;
  e.filename = std::move(path);
  return protocol::name_response{id, {std::move(e)}};
}

}  // namespace

// Lexical, unlike OpenSSH's realpath(3): following links would have to show where they
// lead, and the only answer that never names a host path is the one the client typed,
// cleaned. A path that does not exist is answered too; the next request reports it.
protocol::response serve(fs_state&, const protocol::realpath_request& r) {
  if (r.path.find('\0') != std::string::npos) return status_from_errno(r.id, EINVAL);
  return one_name(r.id, client_canonical_path(r.path));
}

// "~", "~/x", "~user" and "~user/x" all start at "/": whoever the user, the client sees
// only the root.
protocol::response serve(fs_state&, const protocol::expand_path_request& r) {
  if (r.path.find('\0') != std::string::npos) return status_from_errno(r.id, EINVAL);
  std::string_view p = r.path;
  if (!p.empty() && p.front() == '~') {
    std::size_t slash = p.find('/');
    p = slash == std::string_view::npos ? std::string_view{} : p.substr(slash);
  }
  return one_name(r.id, client_canonical_path(p));
}

protocol::response serve(fs_state&, const protocol::home_directory_request& r) {
  return one_name(r.id, "/");
}

protocol::response serve(fs_state& s, const protocol::limits_request& r) {
  server_limits l;
  l.max_packet_length = protocol::limits::max_packet_length;
  l.max_read_length = protocol::limits::max_data_length;
  l.max_write_length = protocol::limits::max_data_length;
  l.max_open_handles = s.options.max_open_handles;
  auto body = protocol::encode_extended_reply(l);
  if (!body) return status(r.id, status_code::failure, body.error().message());
  return protocol::extended_reply{r.id, std::move(*body)};
}

// Unknown ids get an empty name, as PROTOCOL 4.12 says.
protocol::response serve(fs_state&, const protocol::users_groups_by_id_request& r) {
  protocol::users_groups_reply names;
  names.user_names.reserve(r.uids.size());
  for (auto uid : r.uids) names.user_names.push_back(user_name(uid).value_or(""));
  names.group_names.reserve(r.gids.size());
  for (auto gid : r.gids) names.group_names.push_back(group_name(gid).value_or(""));
  auto body = protocol::encode_extended_reply(names);
  if (!body) return status(r.id, status_code::failure, body.error().message());
  return protocol::extended_reply{r.id, std::move(*body)};
}

}  // namespace sshlib::sftp::local_fs
