// How the SFTP audit writes protocol values into event fields: paths as UTF-8, status codes
// and open flags as names, permissions as octal, ATTRS as the fields they set.
#pragma once

#include <sshlib/sftp_types.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace bastion::recording::sftp_detail {

/// `s` when it is valid UTF-8; otherwise a copy with each byte that does not belong to a
/// valid sequence replaced by U+FFFD. Paths are bytes on the wire (the file system's), but
/// event fields are JSON strings.
std::string utf8_text(std::string_view s);

/// "ok", "eof", "no_such_file", "permission_denied", "failure", "bad_message",
/// "no_connection", "connection_lost", "op_unsupported", or "status_<n>" for a code version 3
/// does not define.
std::string status_name(sshlib::sftp::status_code code);

/// OPEN's pflags as names: "read", "write", "append", "creat", "trunc", "excl", and
/// "0x<hex>" for bits the draft does not define.
nlohmann::json open_flag_names(std::uint32_t flags);

/// The permission bits (07777) as a four-digit octal string, e.g. "0644".
std::string octal_permissions(std::uint32_t mode);

/// The attributes an ATTRS sets, as fields of `out`: "size", "uid", "gid", "permissions"
/// (octal_permissions), "atime", "mtime", "extended" (the extended attributes' names).
void add_attributes(nlohmann::json& out, const sshlib::sftp::file_attributes& attrs);

}  // namespace bastion::recording::sftp_detail
