// Terminal modes onto a POSIX `termios` and back: what a server does with a pty-req's modes
// after allocating the pseudo-terminal (tcgetattr, apply_terminal_modes, tcsetattr), and
// what a client sends for its local terminal. Each mode maps to the termios flag or
// control character of the same name where the platform has one (Linux lacks VDSUSP,
// VSTATUS and VFLUSH; its VSWTC is VSWTCH).
#pragma once

#include <sshlib/terminal_modes.hpp>

#include <termios.h>

#include <vector>

namespace sshlib {

/// Applies `modes` to `tio` in order (a later duplicate wins). Character modes set
/// c_cc (255 disables the character: _POSIX_VDISABLE); flag modes set or clear their bit
/// (any non-zero value is true); CS7 / CS8 set the CSIZE field when true and leave it
/// alone when false (OpenSSH's client sends CS7=1 for a CS8 terminal, since it tests the
/// bits); the speeds go through cfsetispeed / cfsetospeed.
/// Returns the modes it did not apply: opcodes not in the table, modes this platform does
/// not have, character values above 255, and speeds with no B<rate> constant.
std::vector<terminal_mode> apply_terminal_modes(termios& tio,
                                                const std::vector<terminal_mode>& modes);

/// Every known mode this platform has, read from `tio`, in opcode order (what a client
/// puts in pty_settings::modes via encode_terminal_modes()).
std::vector<terminal_mode> terminal_modes_from_termios(const termios& tio);

}  // namespace sshlib
