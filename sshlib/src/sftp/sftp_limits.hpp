// Every size cap the SFTP codec applies, in one place. A length or count read from a peer
// is checked against the bytes actually left and against one of these before anything is
// allocated; the encoders apply the same caps, so whatever we send we would also accept.
#pragma once

#include <cstddef>

namespace sshlib::sftp::protocol::limits {

/// Largest data field of WRITE and DATA. OpenSSH's SFTP_MAX_MSG_LENGTH is 256 KiB for a whole
/// packet and its client never asks for more than that minus 1024 bytes, so 256 KiB of data
/// covers every OpenSSH peer.
inline constexpr std::size_t max_data_length = std::size_t{256} * 1024;

/// Largest packet (the uint32 length prefix excluded): the largest data field plus room for
/// the rest of a WRITE (type, id, handle, offset, data length: under 300 bytes).
inline constexpr std::size_t max_packet_length = max_data_length + 1024;

/// Handles are opaque strings of at most 256 bytes (draft section 6.2: "MUST NOT be longer").
inline constexpr std::size_t max_handle_length = 256;

/// Paths, file names and link targets. Linux's PATH_MAX is 4096; twice that leaves room for
/// other systems without letting one field take a packet.
inline constexpr std::size_t max_path_length = 8192;

/// The `ls -l` line of a NAME entry: a path plus the listing's columns.
inline constexpr std::size_t max_longname_length = max_path_length + 1024;

/// Entries in one SSH_FXP_NAME. OpenSSH's sftp-server sends at most 100 per READDIR; other
/// servers send a few hundred. An entry takes at least 12 bytes on the wire, so the count is
/// also checked against the bytes left.
inline constexpr std::size_t max_names_per_reply = 4096;

/// Extension pairs in INIT and VERSION (OpenSSH announces 11) and extended attributes in one
/// ATTRS.
inline constexpr std::size_t max_extension_pairs = 64;
inline constexpr std::size_t max_extended_attributes = 64;

/// Names of extensions, extended requests and extended attribute types ("name@domain").
inline constexpr std::size_t max_extension_name = 256;

/// The data of a VERSION extension pair (a version number, or a small structure such as
/// "vendor-id") and of one extended attribute.
inline constexpr std::size_t max_extension_data = std::size_t{16} * 1024;

/// The message and language tag of SSH_FXP_STATUS.
inline constexpr std::size_t max_status_message = std::size_t{16} * 1024;
inline constexpr std::size_t max_language_tag = 256;

/// users-groups-by-id@openssh.com: ids in one request (each list is checked alone), and
/// the length of one user or group name in the reply (Linux's LOGIN_NAME_MAX is 256).
inline constexpr std::size_t max_ids_per_request = 4096;
inline constexpr std::size_t max_user_name_length = 256;

}  // namespace sshlib::sftp::protocol::limits
