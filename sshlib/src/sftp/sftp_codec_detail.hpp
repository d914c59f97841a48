// Pieces the codec's translation units share: message names for error details and the
// extended-request half of the request codec (sftp_extended.cpp), which the request codec
// (sftp_requests.cpp) dispatches to.
#pragma once

#include "sftp/sftp_messages.hpp"
#include "sftp/sftp_packet_reader.hpp"
#include "sftp/sftp_packet_writer.hpp"

#include <sshlib/result.hpp>

#include <string>

namespace sshlib::sftp::protocol::detail {

/// "SFTP OPEN", "SFTP STATUS", ...: the subject of an error detail.
std::string message_name(message_type type);

/// The body of an SSH_FXP_EXTENDED after its type byte: id, name, then the named
/// extension's fields (a typed request for OpenSSH's extensions, extended_request for any
/// other name).
result<request> decode_extended_request(packet_reader& r);

/// The fields of an extended request after its id and name.
void write_extension_fields(packet_writer& w, const posix_rename_request& m);
void write_extension_fields(packet_writer& w, const statvfs_request& m);
void write_extension_fields(packet_writer& w, const fstatvfs_request& m);
void write_extension_fields(packet_writer& w, const hardlink_request& m);
void write_extension_fields(packet_writer& w, const fsync_request& m);
void write_extension_fields(packet_writer& w, const lsetstat_request& m);
void write_extension_fields(packet_writer& w, const limits_request& m);
void write_extension_fields(packet_writer& w, const expand_path_request& m);
void write_extension_fields(packet_writer& w, const copy_data_request& m);
void write_extension_fields(packet_writer& w, const home_directory_request& m);
void write_extension_fields(packet_writer& w, const users_groups_by_id_request& m);

}  // namespace sshlib::sftp::protocol::detail
