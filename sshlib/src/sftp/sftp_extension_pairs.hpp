// The extension pairs that end INIT and VERSION (draft section 4; PROTOCOL section 4.2):
// "string name, string data" repeated until the end of the packet, with no count.
#pragma once

#include "sftp/sftp_messages.hpp"
#include "sftp/sftp_packet_reader.hpp"
#include "sftp/sftp_packet_writer.hpp"

#include <vector>

namespace sshlib::sftp::protocol {

/// Reads pairs until the packet ends. Fails (recorded in `r`) with length_exceeds_limit for
/// more than limits::max_extension_pairs pairs or a field above its cap, truncated for a
/// partial pair.
bool read_extension_pairs(packet_reader& r, std::vector<extension_pair>& out);

/// Writes the pairs; fails (recorded in `w`) as the reader would refuse them.
void write_extension_pairs(packet_writer& w, const std::vector<extension_pair>& pairs);

}  // namespace sshlib::sftp::protocol
