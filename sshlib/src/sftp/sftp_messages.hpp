// The messages of SFTP version 3 (draft-ietf-secsh-filexfer-02) and of OpenSSH's extended
// requests (openssh-portable PROTOCOL section 4), as plain structs. Each request struct
// knows its message number (`type`); extended requests also know their name
// (`extension_name`). Every request but INIT carries the id its response echoes.
//
// Strings are binary-safe: paths are kept as the bytes received (the draft assumes UTF-8,
// OpenSSH sends whatever the file system holds), handles and data as bytes.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/sftp_types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sshlib::sftp::protocol {

/// Message numbers (draft section 3).
enum class message_type : std::uint8_t {
  init = 1,              // SSH_FXP_INIT
  version = 2,           // SSH_FXP_VERSION
  open = 3,              // SSH_FXP_OPEN
  close = 4,             // SSH_FXP_CLOSE
  read = 5,              // SSH_FXP_READ
  write = 6,             // SSH_FXP_WRITE
  lstat = 7,             // SSH_FXP_LSTAT
  fstat = 8,             // SSH_FXP_FSTAT
  setstat = 9,           // SSH_FXP_SETSTAT
  fsetstat = 10,         // SSH_FXP_FSETSTAT
  opendir = 11,          // SSH_FXP_OPENDIR
  readdir = 12,          // SSH_FXP_READDIR
  remove = 13,           // SSH_FXP_REMOVE
  mkdir = 14,            // SSH_FXP_MKDIR
  rmdir = 15,            // SSH_FXP_RMDIR
  realpath = 16,         // SSH_FXP_REALPATH
  stat = 17,             // SSH_FXP_STAT
  rename = 18,           // SSH_FXP_RENAME
  readlink = 19,         // SSH_FXP_READLINK
  symlink = 20,          // SSH_FXP_SYMLINK
  status = 101,          // SSH_FXP_STATUS
  handle = 102,          // SSH_FXP_HANDLE
  data = 103,            // SSH_FXP_DATA
  name = 104,            // SSH_FXP_NAME
  attrs = 105,           // SSH_FXP_ATTRS
  extended = 200,        // SSH_FXP_EXTENDED
  extended_reply = 201,  // SSH_FXP_EXTENDED_REPLY
};

/// One (name, data) pair of INIT or VERSION (draft section 4; PROTOCOL section 4.2: OpenSSH
/// puts each extension's version number, as ASCII, in data).
struct extension_pair {
  std::string name;
  std::string data;
  friend bool operator==(const extension_pair&, const extension_pair&) = default;
};

// ---------------------------------------------------------------------------------------
// Requests (client to server), draft section 6.

/// SSH_FXP_INIT (section 4): the client's version and its extensions. No request id.
struct init_request {
  static constexpr message_type type = message_type::init;
  std::uint32_t version = protocol_version;
  std::vector<extension_pair> extensions;
  friend bool operator==(const init_request&, const init_request&) = default;
};

/// SSH_FXP_OPEN (section 6.3).
struct open_request {
  static constexpr message_type type = message_type::open;
  std::uint32_t id = 0;
  std::string path;
  open_mode flags = open_mode::none;  // unknown bits are kept as sent
  file_attributes attrs;              // for a file the open creates
  friend bool operator==(const open_request&, const open_request&) = default;
};

/// SSH_FXP_CLOSE (section 6.3).
struct close_request {
  static constexpr message_type type = message_type::close;
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const close_request&, const close_request&) = default;
};

/// SSH_FXP_READ (section 6.4). The server may return less than `length`.
struct read_request {
  static constexpr message_type type = message_type::read;
  std::uint32_t id = 0;
  bytes handle;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  friend bool operator==(const read_request&, const read_request&) = default;
};

/// SSH_FXP_WRITE (section 6.4).
struct write_request {
  static constexpr message_type type = message_type::write;
  std::uint32_t id = 0;
  bytes handle;
  std::uint64_t offset = 0;
  bytes data;
  friend bool operator==(const write_request&, const write_request&) = default;
};

/// SSH_FXP_LSTAT, SSH_FXP_STAT (section 6.8): attributes of a path, without or with
/// following a final symbolic link.
struct lstat_request {
  static constexpr message_type type = message_type::lstat;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const lstat_request&, const lstat_request&) = default;
};
struct stat_request {
  static constexpr message_type type = message_type::stat;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const stat_request&, const stat_request&) = default;
};

/// SSH_FXP_FSTAT (section 6.8).
struct fstat_request {
  static constexpr message_type type = message_type::fstat;
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const fstat_request&, const fstat_request&) = default;
};

/// SSH_FXP_SETSTAT, SSH_FXP_FSETSTAT (section 6.9).
struct setstat_request {
  static constexpr message_type type = message_type::setstat;
  std::uint32_t id = 0;
  std::string path;
  file_attributes attrs;
  friend bool operator==(const setstat_request&, const setstat_request&) = default;
};
struct fsetstat_request {
  static constexpr message_type type = message_type::fsetstat;
  std::uint32_t id = 0;
  bytes handle;
  file_attributes attrs;
  friend bool operator==(const fsetstat_request&, const fsetstat_request&) = default;
};

/// SSH_FXP_OPENDIR, SSH_FXP_READDIR (section 6.7).
struct opendir_request {
  static constexpr message_type type = message_type::opendir;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const opendir_request&, const opendir_request&) = default;
};
struct readdir_request {
  static constexpr message_type type = message_type::readdir;
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const readdir_request&, const readdir_request&) = default;
};

/// SSH_FXP_REMOVE (section 6.5).
struct remove_request {
  static constexpr message_type type = message_type::remove;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const remove_request&, const remove_request&) = default;
};

/// SSH_FXP_MKDIR, SSH_FXP_RMDIR (section 6.6).
struct mkdir_request {
  static constexpr message_type type = message_type::mkdir;
  std::uint32_t id = 0;
  std::string path;
  file_attributes attrs;
  friend bool operator==(const mkdir_request&, const mkdir_request&) = default;
};
struct rmdir_request {
  static constexpr message_type type = message_type::rmdir;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const rmdir_request&, const rmdir_request&) = default;
};

/// SSH_FXP_REALPATH (section 6.11): answered by a NAME with one entry.
struct realpath_request {
  static constexpr message_type type = message_type::realpath;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const realpath_request&, const realpath_request&) = default;
};

/// SSH_FXP_RENAME (section 6.5).
struct rename_request {
  static constexpr message_type type = message_type::rename;
  std::uint32_t id = 0;
  std::string old_path;
  std::string new_path;
  friend bool operator==(const rename_request&, const rename_request&) = default;
};

/// SSH_FXP_READLINK (section 6.10): answered by a NAME with one entry.
struct readlink_request {
  static constexpr message_type type = message_type::readlink;
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const readlink_request&, const readlink_request&) = default;
};

/// SSH_FXP_SYMLINK (section 6.10). The fields are in the draft's wire order: linkpath,
/// then targetpath. OpenSSH's sftp-server reads them the other way round (PROTOCOL section
/// 4.1), so a client talking to OpenSSH puts the target in link_path and the link in
/// target_path; the codec only moves bytes and never swaps.
struct symlink_request {
  static constexpr message_type type = message_type::symlink;
  std::uint32_t id = 0;
  std::string link_path;
  std::string target_path;
  friend bool operator==(const symlink_request&, const symlink_request&) = default;
};

// Extended requests: SSH_FXP_EXTENDED (section 8) is "uint32 id, string extended-request,
// request-specific data". The ones below are OpenSSH's (PROTOCOL section 4); any other name
// decodes to extended_request with its data kept raw.

/// posix-rename@openssh.com (section 4.3): rename(2), replacing an existing new_path.
struct posix_rename_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "posix-rename@openssh.com";
  std::uint32_t id = 0;
  std::string old_path;
  std::string new_path;
  friend bool operator==(const posix_rename_request&, const posix_rename_request&) = default;
};

/// statvfs@openssh.com and fstatvfs@openssh.com (section 4.4): answered by an
/// EXTENDED_REPLY holding an fs_info.
struct statvfs_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "statvfs@openssh.com";
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const statvfs_request&, const statvfs_request&) = default;
};
struct fstatvfs_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "fstatvfs@openssh.com";
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const fstatvfs_request&, const fstatvfs_request&) = default;
};

/// hardlink@openssh.com (section 4.5): link(old_path, new_path).
struct hardlink_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "hardlink@openssh.com";
  std::uint32_t id = 0;
  std::string old_path;
  std::string new_path;
  friend bool operator==(const hardlink_request&, const hardlink_request&) = default;
};

/// fsync@openssh.com (section 4.6).
struct fsync_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "fsync@openssh.com";
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const fsync_request&, const fsync_request&) = default;
};

/// lsetstat@openssh.com (section 4.7): SETSTAT that does not follow a final symbolic link.
struct lsetstat_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "lsetstat@openssh.com";
  std::uint32_t id = 0;
  std::string path;
  file_attributes attrs;
  friend bool operator==(const lsetstat_request&, const lsetstat_request&) = default;
};

/// limits@openssh.com (section 4.8): no fields; answered by an EXTENDED_REPLY holding a
/// server_limits.
struct limits_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "limits@openssh.com";
  std::uint32_t id = 0;
  friend bool operator==(const limits_request&, const limits_request&) = default;
};

/// expand-path@openssh.com (section 4.9): REALPATH that also expands a leading "~/" or
/// "~user/"; answered by a NAME with one entry.
struct expand_path_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "expand-path@openssh.com";
  std::uint32_t id = 0;
  std::string path;
  friend bool operator==(const expand_path_request&, const expand_path_request&) = default;
};

/// copy-data (section 4.10): a copy between two open handles on the server. A read_length
/// of zero copies until the end of the source.
struct copy_data_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "copy-data";
  std::uint32_t id = 0;
  bytes read_handle;
  std::uint64_t read_offset = 0;
  std::uint64_t read_length = 0;
  bytes write_handle;
  std::uint64_t write_offset = 0;
  friend bool operator==(const copy_data_request&, const copy_data_request&) = default;
};

/// home-directory (section 4.11): a user's home directory, answered by a NAME with one
/// entry.
struct home_directory_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "home-directory";
  std::uint32_t id = 0;
  std::string username;
  friend bool operator==(const home_directory_request&, const home_directory_request&) = default;
};

/// users-groups-by-id@openssh.com (section 4.12): names for user and group ids. On the
/// wire each list is one string of packed uint32s. Answered by an EXTENDED_REPLY holding a
/// users_groups_reply.
struct users_groups_by_id_request {
  static constexpr message_type type = message_type::extended;
  static constexpr std::string_view extension_name = "users-groups-by-id@openssh.com";
  std::uint32_t id = 0;
  std::vector<std::uint32_t> uids;
  std::vector<std::uint32_t> gids;
  friend bool operator==(const users_groups_by_id_request&, const users_groups_by_id_request&) = default;
};

/// Any other SSH_FXP_EXTENDED: its name and the bytes after it.
struct extended_request {
  static constexpr message_type type = message_type::extended;
  std::uint32_t id = 0;
  std::string name;
  bytes data;
  friend bool operator==(const extended_request&, const extended_request&) = default;
};

using request =
    std::variant<init_request, open_request, close_request, read_request, write_request, lstat_request, fstat_request,
                 setstat_request, fsetstat_request, opendir_request, readdir_request, remove_request, mkdir_request,
                 rmdir_request, realpath_request, stat_request, rename_request, readlink_request, symlink_request,
                 posix_rename_request, statvfs_request, fstatvfs_request, hardlink_request, fsync_request,
                 lsetstat_request, limits_request, expand_path_request, copy_data_request, home_directory_request,
                 users_groups_by_id_request, extended_request>;

// ---------------------------------------------------------------------------------------
// Responses (server to client), draft section 7.

/// SSH_FXP_VERSION (section 4): the server's version and its extensions. No request id.
struct version_response {
  static constexpr message_type type = message_type::version;
  std::uint32_t version = protocol_version;
  std::vector<extension_pair> extensions;
  friend bool operator==(const version_response&, const version_response&) = default;
};

/// SSH_FXP_STATUS (section 7). Old servers send only the code: message and language are
/// then empty.
struct status_response {
  static constexpr message_type type = message_type::status;
  std::uint32_t id = 0;
  status_code code = status_code::ok;
  std::string message;   // for people, ISO-10646 UTF-8
  std::string language;  // RFC 1766 tag, e.g. "en"
  friend bool operator==(const status_response&, const status_response&) = default;
};

/// SSH_FXP_HANDLE (section 7): at most limits::max_handle_length bytes.
struct handle_response {
  static constexpr message_type type = message_type::handle;
  std::uint32_t id = 0;
  bytes handle;
  friend bool operator==(const handle_response&, const handle_response&) = default;
};

/// SSH_FXP_DATA (section 7).
struct data_response {
  static constexpr message_type type = message_type::data;
  std::uint32_t id = 0;
  bytes data;
  friend bool operator==(const data_response&, const data_response&) = default;
};

/// SSH_FXP_NAME (section 7).
struct name_response {
  static constexpr message_type type = message_type::name;
  std::uint32_t id = 0;
  std::vector<directory_entry> entries;
  friend bool operator==(const name_response&, const name_response&) = default;
};

/// SSH_FXP_ATTRS (section 7).
struct attrs_response {
  static constexpr message_type type = message_type::attrs;
  std::uint32_t id = 0;
  file_attributes attrs;
  friend bool operator==(const attrs_response&, const attrs_response&) = default;
};

/// SSH_FXP_EXTENDED_REPLY (section 8): the body means something only to whoever knows which
/// extension the request named; decode_extended_reply parses it given that name.
struct extended_reply {
  static constexpr message_type type = message_type::extended_reply;
  std::uint32_t id = 0;
  bytes data;
  friend bool operator==(const extended_reply&, const extended_reply&) = default;
};

using response = std::variant<version_response, status_response, handle_response, data_response, name_response,
                              attrs_response, extended_reply>;

// ---------------------------------------------------------------------------------------
// Bodies of EXTENDED_REPLY for OpenSSH's extensions.

/// The reply to users-groups-by-id@openssh.com (PROTOCOL section 4.12): one name per
/// requested id, in request order; an empty name means the id is unknown. On the wire each
/// list is one string of packed strings.
struct users_groups_reply {
  std::vector<std::string> user_names;
  std::vector<std::string> group_names;
  friend bool operator==(const users_groups_reply&, const users_groups_reply&) = default;
};

/// The body of an EXTENDED_REPLY to an extension this codec does not know.
struct raw_extended_reply {
  bytes data;
  friend bool operator==(const raw_extended_reply&, const raw_extended_reply&) = default;
};

using extended_reply_body = std::variant<fs_info, server_limits, users_groups_reply, raw_extended_reply>;

}  // namespace sshlib::sftp::protocol
