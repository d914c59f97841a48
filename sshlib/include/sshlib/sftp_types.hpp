// Plain value types of SFTP version 3 (draft-ietf-secsh-filexfer-02) and of OpenSSH's SFTP
// extensions (openssh-portable PROTOCOL, section 4), shared by the public SFTP client and
// server and by the private codec. No Asio here, so the codec and its fuzz target include
// this without pulling in I/O templates.
#pragma once

#include <sshlib/bytes.hpp>

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sshlib::sftp {

/// The protocol version this library speaks (draft-ietf-secsh-filexfer-02 is version 3).
inline constexpr std::uint32_t protocol_version = 3;

/// Error codes of SSH_FXP_STATUS (draft section 7). Values above op_unsupported come from
/// later drafts; they are kept as received (the enum holds any uint32).
enum class status_code : std::uint32_t {
  ok = 0,                 // SSH_FX_OK
  eof = 1,                // SSH_FX_EOF: end of file, or no more directory entries
  no_such_file = 2,       // SSH_FX_NO_SUCH_FILE
  permission_denied = 3,  // SSH_FX_PERMISSION_DENIED
  failure = 4,            // SSH_FX_FAILURE: any other error
  bad_message = 5,        // SSH_FX_BAD_MESSAGE: a malformed packet
  no_connection = 6,      // SSH_FX_NO_CONNECTION: a client-side pseudo error, never sent
  connection_lost = 7,    // SSH_FX_CONNECTION_LOST: a client-side pseudo error, never sent
  op_unsupported = 8,     // SSH_FX_OP_UNSUPPORTED
};

/// The error category of status codes (name "sftp"), so that an SFTP failure travels as a
/// boost::system::error_code; status_code::ok is the empty error code. message() gives the
/// draft's meaning ("no such file", ...).
const boost::system::error_category& status_category() noexcept;
boost::system::error_code make_error_code(status_code code) noexcept;

/// The pflags of SSH_FXP_OPEN (draft section 6.3), a bitmask.
enum class open_mode : std::uint32_t {
  none = 0,
  read = 0x01,       // SSH_FXF_READ
  write = 0x02,      // SSH_FXF_WRITE
  append = 0x04,     // SSH_FXF_APPEND: every write goes to the end of the file
  create = 0x08,     // SSH_FXF_CREAT
  truncate = 0x10,   // SSH_FXF_TRUNC (requires create)
  exclusive = 0x20,  // SSH_FXF_EXCL (requires create): fail when the file exists
};

constexpr open_mode operator|(open_mode a, open_mode b) noexcept {
  return static_cast<open_mode>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr open_mode operator&(open_mode a, open_mode b) noexcept {
  return static_cast<open_mode>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
/// True when every bit of `flag` is set in `set`.
constexpr bool has_flag(open_mode set, open_mode flag) noexcept { return (set & flag) == flag; }

/// node.js-style open flags ("r", "r+", "w", "wx", "w+", "a", "ax+", ...) as SFTP pflags,
/// the way the seed's stringToFlags maps them; nullopt for a string it does not know.
std::optional<open_mode> string_to_flags(std::string_view flags) noexcept;
/// The reverse: the first string whose pflags are exactly `mode`, nullopt when none is.
std::optional<std::string_view> flags_to_string(open_mode mode) noexcept;

/// One (type, data) pair of the EXTENDED part of ATTRS (draft section 5).
struct extended_attribute {
  std::string type;  // "name@domain"
  bytes data;
  friend bool operator==(const extended_attribute&, const extended_attribute&) = default;
};

/// The ATTRS structure (draft section 5): every field is optional, as on the wire, where a
/// flag bit says whether it is present. uid and gid travel together (SSH_FILEXFER_ATTR_UIDGID)
/// and so do atime and mtime (SSH_FILEXFER_ATTR_ACMODTIME): encoding one without the other
/// fails with errc::invalid_value.
struct file_attributes {
  std::optional<std::uint64_t> size;         // SSH_FILEXFER_ATTR_SIZE, bytes
  std::optional<std::uint32_t> uid;          // SSH_FILEXFER_ATTR_UIDGID
  std::optional<std::uint32_t> gid;          // SSH_FILEXFER_ATTR_UIDGID
  std::optional<std::uint32_t> permissions;  // SSH_FILEXFER_ATTR_PERMISSIONS: st_mode, type bits included
  std::optional<std::uint32_t> atime;        // SSH_FILEXFER_ATTR_ACMODTIME, seconds since 1970
  std::optional<std::uint32_t> mtime;        // SSH_FILEXFER_ATTR_ACMODTIME, seconds since 1970
  /// SSH_FILEXFER_ATTR_EXTENDED, sent only when not empty.
  std::vector<extended_attribute> extended;

  /// The file type from the S_IFMT bits of `permissions` (POSIX values, which the draft
  /// assumes); all false when permissions is absent.
  constexpr bool is_directory() const noexcept { return file_type_is(0040000); }
  constexpr bool is_regular_file() const noexcept { return file_type_is(0100000); }
  constexpr bool is_symlink() const noexcept { return file_type_is(0120000); }
  constexpr bool is_block_device() const noexcept { return file_type_is(0060000); }
  constexpr bool is_character_device() const noexcept { return file_type_is(0020000); }
  constexpr bool is_fifo() const noexcept { return file_type_is(0010000); }
  constexpr bool is_socket() const noexcept { return file_type_is(0140000); }

  friend bool operator==(const file_attributes&, const file_attributes&) = default;

private:
  constexpr bool file_type_is(std::uint32_t type) const noexcept {
    return permissions.has_value() && (*permissions & 0170000) == type;
  }
};

/// One entry of SSH_FXP_NAME (draft section 7): a directory entry, or the single answer to
/// REALPATH, READLINK, expand-path@openssh.com and home-directory (whose longname and
/// attributes are usually empty).
struct directory_entry {
  std::string filename;
  std::string longname;  // an `ls -l` line; clients must not parse it (draft section 7)
  file_attributes attrs;
  friend bool operator==(const directory_entry&, const directory_entry&) = default;
};

/// The reply to statvfs@openssh.com and fstatvfs@openssh.com (PROTOCOL section 4.4), the
/// fields of POSIX statvfs(3).
struct fs_info {
  static constexpr std::uint64_t flag_read_only = 0x1;  // SSH_FXE_STATVFS_ST_RDONLY
  static constexpr std::uint64_t flag_no_suid = 0x2;    // SSH_FXE_STATVFS_ST_NOSUID

  std::uint64_t block_size = 0;        // f_bsize
  std::uint64_t fragment_size = 0;     // f_frsize: the unit of the block counts
  std::uint64_t blocks = 0;            // f_blocks
  std::uint64_t blocks_free = 0;       // f_bfree
  std::uint64_t blocks_available = 0;  // f_bavail: free for unprivileged users
  std::uint64_t files = 0;             // f_files: inodes
  std::uint64_t files_free = 0;        // f_ffree
  std::uint64_t files_available = 0;   // f_favail
  std::uint64_t fsid = 0;              // f_fsid
  std::uint64_t flags = 0;             // f_flag: flag_read_only, flag_no_suid
  std::uint64_t name_max = 0;          // f_namemax: longest file name
  friend bool operator==(const fs_info&, const fs_info&) = default;
};

/// The reply to limits@openssh.com (PROTOCOL section 4.8): what the server accepts. Zero
/// means "no limit announced" for max_open_handles.
struct server_limits {
  std::uint64_t max_packet_length = 0;  // a whole packet, length field excluded
  std::uint64_t max_read_length = 0;    // largest READ length served in one DATA
  std::uint64_t max_write_length = 0;   // largest WRITE data accepted
  std::uint64_t max_open_handles = 0;
  friend bool operator==(const server_limits&, const server_limits&) = default;
};

}  // namespace sshlib::sftp

template <>
struct boost::system::is_error_code_enum<sshlib::sftp::status_code> : std::true_type {};
