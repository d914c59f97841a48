// Terminal modes of a pty-req (RFC 4254 section 8, RFC 8160 for IUTF8): the encoded
// string is a sequence of (opcode byte, uint32 value) pairs ended by TTY_OP_END. These
// functions turn it into typed values and back; they do no I/O and know nothing about the
// local terminal (sshlib/terminal_modes_posix.hpp maps the values onto a `termios`).
//
// Every function is pure and safe to call from any thread.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace sshlib {

struct pty_settings;

/// The opcodes of RFC 4254 section 8 (the seed's 55 modes) plus RFC 8160's IUTF8. Names
/// are lower case because <termios.h> defines the upper-case ones as macros; the wire
/// names ("VINTR", "ECHO") come from terminal_mode_name(). Any other value 1..159 may
/// appear in decoded input (an opcode this table does not know).
// clang-format off
enum class terminal_opcode : std::uint8_t {
  tty_op_end = 0,
  // Special characters: the character's code, 255 for "none".
  vintr = 1, vquit = 2, verase = 3, vkill = 4, veof = 5, veol = 6, veol2 = 7, vstart = 8,
  vstop = 9, vsusp = 10, vdsusp = 11, vreprint = 12, vwerase = 13, vlnext = 14, vflush = 15,
  vswtch = 16, vstatus = 17, vdiscard = 18,
  // Input flags (c_iflag): 0 or 1.
  ignpar = 30, parmrk = 31, inpck = 32, istrip = 33, inlcr = 34, igncr = 35, icrnl = 36,
  iuclc = 37, ixon = 38, ixany = 39, ixoff = 40, imaxbel = 41, iutf8 = 42,
  // Local flags (c_lflag): 0 or 1.
  isig = 50, icanon = 51, xcase = 52, echo = 53, echoe = 54, echok = 55, echonl = 56,
  noflsh = 57, tostop = 58, iexten = 59, echoctl = 60, echoke = 61, pendin = 62,
  // Output flags (c_oflag): 0 or 1.
  opost = 70, olcuc = 71, onlcr = 72, ocrnl = 73, onocr = 74, onlret = 75,
  // Control flags (c_cflag): 0 or 1.
  cs7 = 90, cs8 = 91, parenb = 92, parodd = 93,
  // Baud rates in bits per second.
  tty_op_ispeed = 128, tty_op_ospeed = 129,
};
// clang-format on

/// What a mode's value means.
enum class terminal_mode_kind { character, flag, speed, unknown };

/// One decoded mode: an opcode (possibly one we do not know) and its uint32 value.
struct terminal_mode {
  terminal_opcode opcode = terminal_opcode::tty_op_end;
  std::uint32_t value = 0;

  friend bool operator==(const terminal_mode&, const terminal_mode&) = default;
};

/// The most modes decode_terminal_modes() accepts in one string. RFC 4254 defines fewer
/// than 60 and a client sends each once; pty-req strings are also capped at 4096 bytes.
inline constexpr std::size_t max_terminal_modes = 256;

/// Opcodes 160..255 are "not yet defined" and end parsing (RFC 4254 section 8).
inline constexpr std::uint8_t first_undefined_terminal_opcode = 160;

/// The 56 known opcodes, in opcode order (TTY_OP_END excluded).
std::span<const terminal_opcode> known_terminal_opcodes() noexcept;

/// The RFC name ("VINTR", "ECHO", "TTY_OP_ISPEED", "TTY_OP_END"); empty for an opcode not
/// in the table.
std::string_view terminal_mode_name(terminal_opcode op) noexcept;

/// The opcode for an RFC name (exact, upper case); nullopt if unknown.
std::optional<terminal_opcode> terminal_opcode_from_name(std::string_view name) noexcept;

/// character, flag or speed; unknown for opcodes not in the table (and TTY_OP_END).
terminal_mode_kind terminal_mode_kind_of(terminal_opcode op) noexcept;

/// Decodes an encoded terminal-modes string. Parsing stops at TTY_OP_END (bytes after it
/// are ignored), at an opcode of 160..255 (RFC 4254: they "cause parsing to stop"), or at
/// the end of the input: both the pty_settings::modes convention (no TTY_OP_END) and the
/// string as a client sent it (ending in TTY_OP_END) decode the same. Opcodes 1..159 that
/// are not in the table carry a uint32 like the others and are returned as they are, so a
/// caller can report them (terminal_mode_name() is empty for them). Duplicates are kept in
/// order (the last one wins when applied).
/// Errors: truncated (an opcode without its full 4-byte value; the detail names the opcode
/// and offset), length_exceeds_limit (more than max_terminal_modes modes).
result<std::vector<terminal_mode>> decode_terminal_modes(byte_view encoded);

/// The modes of a pty-req (pty.modes), as decode_terminal_modes().
result<std::vector<terminal_mode>> decode_terminal_modes(const pty_settings& pty);

/// Encodes modes as opcode byte + uint32 value each, in the given order, WITHOUT the
/// trailing TTY_OP_END: the convention of pty_settings::modes, to which the library adds
/// TTY_OP_END when it sends a pty-req. Entries whose opcode is TTY_OP_END or 160..255 are
/// left out (they would end the peer's parsing early).
bytes encode_terminal_modes(const std::vector<terminal_mode>& modes);

}  // namespace sshlib
