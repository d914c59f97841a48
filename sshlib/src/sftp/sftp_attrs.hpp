// The ATTRS structure of draft-ietf-secsh-filexfer-02 section 5:
//
//   uint32   flags
//   uint64   size            present if flags & SSH_FILEXFER_ATTR_SIZE
//   uint32   uid             present if flags & SSH_FILEXFER_ATTR_UIDGID
//   uint32   gid             present if flags & SSH_FILEXFER_ATTR_UIDGID
//   uint32   permissions     present if flags & SSH_FILEXFER_ATTR_PERMISSIONS
//   uint32   atime           present if flags & SSH_FILEXFER_ATTR_ACMODTIME
//   uint32   mtime           present if flags & SSH_FILEXFER_ATTR_ACMODTIME
//   uint32   extended_count  present if flags & SSH_FILEXFER_ATTR_EXTENDED
//   string   extended_type   } extended_count times
//   string   extended_data   }
//
// Used inside OPEN, SETSTAT, FSETSTAT, MKDIR, lsetstat@openssh.com, NAME and ATTRS.
#pragma once

#include "sftp/sftp_packet_reader.hpp"
#include "sftp/sftp_packet_writer.hpp"

#include <sshlib/sftp_types.hpp>

#include <cstdint>

namespace sshlib::sftp::protocol {

/// The flag bits of ATTRS (draft section 5).
namespace attr_flags {
inline constexpr std::uint32_t size = 0x00000001;         // SSH_FILEXFER_ATTR_SIZE
inline constexpr std::uint32_t uidgid = 0x00000002;       // SSH_FILEXFER_ATTR_UIDGID
inline constexpr std::uint32_t permissions = 0x00000004;  // SSH_FILEXFER_ATTR_PERMISSIONS
inline constexpr std::uint32_t acmodtime = 0x00000008;    // SSH_FILEXFER_ATTR_ACMODTIME
inline constexpr std::uint32_t extended = 0x80000000;     // SSH_FILEXFER_ATTR_EXTENDED
inline constexpr std::uint32_t known = size | uidgid | permissions | acmodtime | extended;
}  // namespace attr_flags

/// The smallest ATTRS on the wire (flags alone).
inline constexpr std::size_t min_attributes_size = 4;

/// Reads one ATTRS. Fails (recorded in `r`) with the reader's codes, invalid_value for flag
/// bits version 3 does not define (their fields' layout is unknown, so nothing after them
/// could be read), and length_exceeds_limit for more than limits::max_extended_attributes
/// pairs or a pair above its caps. An EXTENDED flag with a count of zero reads as no
/// extended attributes.
bool read_attributes(packet_reader& r, file_attributes& out);

/// The flags word `attrs` encodes to.
std::uint32_t attribute_flags(const file_attributes& attrs) noexcept;

/// Writes one ATTRS. Fails (recorded in `w`) with invalid_value for uid without gid (or the
/// reverse) and atime without mtime (or the reverse), and length_exceeds_limit as the
/// reader would.
void write_attributes(packet_writer& w, const file_attributes& attrs);

}  // namespace sshlib::sftp::protocol
