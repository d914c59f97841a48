// Terminal modes onto termios and back.
#include <sshlib/terminal_modes_posix.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace sshlib {
namespace {

using enum terminal_opcode;

termios blank() {
  termios t;
  std::memset(&t, 0, sizeof t);
  return t;
}

TEST(TerminalModesPosix, FlagsAreSetAndCleared) {
  termios t = blank();
  t.c_oflag = ONLCR;
  const auto skipped = apply_terminal_modes(
      t, {{echo, 1}, {icanon, 7}, {onlcr, 0}, {ixon, 1}, {opost, 1}, {parenb, 1}});
  EXPECT_TRUE(skipped.empty());
  EXPECT_EQ(t.c_lflag, static_cast<tcflag_t>(ECHO | ICANON));
  EXPECT_EQ(t.c_oflag, static_cast<tcflag_t>(OPOST));
  EXPECT_EQ(t.c_iflag, static_cast<tcflag_t>(IXON));
  EXPECT_EQ(t.c_cflag, static_cast<tcflag_t>(PARENB));
}

TEST(TerminalModesPosix, CharactersAnd255Disables) {
  termios t = blank();
  const auto skipped =
      apply_terminal_modes(t, {{vintr, 3}, {verase, 0x7f}, {vquit, 255}, {vkill, 256}});
  ASSERT_EQ(skipped.size(), 1u);  // 256 is no character
  EXPECT_EQ(skipped[0].opcode, vkill);
  EXPECT_EQ(t.c_cc[VINTR], 3);
  EXPECT_EQ(t.c_cc[VERASE], 0x7f);
  EXPECT_EQ(t.c_cc[VQUIT], static_cast<cc_t>(_POSIX_VDISABLE));
}

TEST(TerminalModesPosix, CharacterSizeIsAFieldNotABit) {
  termios t = blank();
  t.c_cflag = CS5;
  // What OpenSSH's ssh sends for a CS8 terminal: both bits tested, both true.
  EXPECT_TRUE(apply_terminal_modes(t, {{cs7, 1}, {cs8, 1}}).empty());
  EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_TRUE(apply_terminal_modes(t, {{cs7, 1}, {cs8, 0}}).empty());
  EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS7));
}

TEST(TerminalModesPosix, Speeds) {
  // glibc keeps one speed for both directions in c_cflag, so each is checked on its own.
  termios t = blank();
  EXPECT_TRUE(apply_terminal_modes(t, {{tty_op_ispeed, 38400}}).empty());
  EXPECT_EQ(cfgetispeed(&t), static_cast<speed_t>(B38400));
  EXPECT_TRUE(apply_terminal_modes(t, {{tty_op_ospeed, 115200}}).empty());
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B115200));
  const auto skipped = apply_terminal_modes(t, {{tty_op_ospeed, 12345}});
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B115200));  // unchanged
}

TEST(TerminalModesPosix, UnknownAndMissingModesAreReportedNotApplied) {
  termios t = blank();
  const termios before = t;
  const auto skipped = apply_terminal_modes(t, {{static_cast<terminal_opcode>(99), 1}});
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(std::memcmp(&t, &before, sizeof t), 0);
#ifndef VSTATUS
  EXPECT_EQ(apply_terminal_modes(t, {{vstatus, 20}}).size(), 1u);
#endif
}

TEST(TerminalModesPosix, ReadBackGivesWhatWasApplied) {
  termios t = blank();
  t.c_cflag = CS8;
  std::vector<terminal_mode> modes{{vintr, 3},
                                   {vquit, 28},
                                   {verase, 127},
                                   {vkill, 21},
                                   {veof, 4},
                                   {echo, 1},
                                   {icanon, 1},
                                   {isig, 1},
                                   {icrnl, 1},
                                   {iutf8, 1},
                                   {opost, 1},
                                   {onlcr, 1},
                                   {tty_op_ispeed, 9600},
                                   {tty_op_ospeed, 9600}};
  ASSERT_TRUE(apply_terminal_modes(t, modes).empty());
  const auto back = terminal_modes_from_termios(t);
  for (const auto& m : modes) {
    bool found = false;
    for (const auto& b : back) {
      if (b.opcode == m.opcode) {
        EXPECT_EQ(b.value, m.value) << terminal_mode_name(m.opcode);
        found = true;
      }
    }
    EXPECT_TRUE(found) << terminal_mode_name(m.opcode);
  }
  // And applying the read-back modes to a blank termios reproduces the flags.
  termios again = blank();
  EXPECT_TRUE(apply_terminal_modes(again, back).empty());
  EXPECT_EQ(again.c_lflag, t.c_lflag);
  EXPECT_EQ(again.c_iflag, t.c_iflag);
  EXPECT_EQ(again.c_oflag, t.c_oflag);
  EXPECT_EQ(again.c_cflag & (CSIZE | PARENB | PARODD), t.c_cflag & (CSIZE | PARENB | PARODD));
}

}  // namespace
}  // namespace sshlib
