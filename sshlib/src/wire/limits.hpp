// Every size cap applied to data from the wire, in one place. A length read from a peer is
// checked against the bytes actually left and against one of these caps before anything is
// allocated or copied.
#pragma once

#include <cstddef>

namespace sshlib::wire::limits {

/// Largest binary packet we accept (RFC 4253 section 6.1 requires 35000; OpenSSH uses 256 KiB).
inline constexpr std::size_t max_packet_length = 256 * 1024;

/// Default cap for a generic string field: nothing legitimate exceeds a packet.
inline constexpr std::size_t max_string_length = max_packet_length;

/// Largest mpint magnitude: 16384-bit RSA moduli plus one sign byte.
inline constexpr std::size_t max_mpint_bytes = 16384 / 8 + 1;

/// Largest name-list on the wire, and the most names it may hold.
inline constexpr std::size_t max_name_list_length = 64 * 1024;
inline constexpr std::size_t max_name_list_entries = 1024;

/// RFC 4251 section 6: algorithm and method names are at most 64 characters.
inline constexpr std::size_t max_name_length = 64;

}  // namespace sshlib::wire::limits
