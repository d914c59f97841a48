// Caps of the transport layer, in one place (wire/limits.hpp holds the wire-format ones).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sshlib::transport::limits {

/// RFC 4253 section 4.2: the identification line, CR LF included, is at most 255 bytes.
inline constexpr std::size_t max_version_line = 255;
/// Lines a server may send before its identification (RFC 4253 section 4.2), and their total
/// size: enough for any banner a real server prints, not enough to keep a client reading.
inline constexpr std::size_t max_pre_version_lines = 64;
inline constexpr std::size_t max_pre_version_bytes = 16 * 1024;
/// Largest payload after decompression (OpenSSH's limit is the same as the packet's).
inline constexpr std::size_t max_decompressed_payload = 256 * 1024;
/// Packets buffered for the upper layers before we stop reading from the socket.
inline constexpr std::size_t max_queued_incoming_bytes = 1024 * 1024;
/// Upper-layer packets queued while a key exchange is in progress before the sender is told
/// to wait: a rekey takes one round trip, so this only bounds a misbehaving peer's stall.
inline constexpr std::size_t max_queued_outgoing_bytes = 4 * 1024 * 1024;
/// Default rekey thresholds: 1 GiB per direction and one hour (OpenSSH's defaults depend on
/// the cipher block size; RFC 4344 section 3.2 asks for 2^(L/4) blocks for small blocks).
inline constexpr std::uint64_t default_rekey_bytes = std::uint64_t{1} << 30;
inline constexpr std::chrono::seconds default_rekey_interval{3600};
/// Non-kex packets a peer may send between its KEXINIT and NEWKEYS before we call it a
/// protocol error (only transport messages are allowed there; this bounds IGNORE floods).
inline constexpr std::size_t max_packets_during_kex = 1024;

}  // namespace sshlib::transport::limits
