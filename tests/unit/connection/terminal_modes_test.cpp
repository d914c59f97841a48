// Terminal modes codec (RFC 4254 section 8): names, encoding, and decoding of hostile input.
#include <sshlib/terminal_modes.hpp>

#include <sshlib/channel.hpp>

#include "support/hex.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sshlib {
namespace {

using test::from_hex;

TEST(TerminalModes, EveryModeOfTheSeedIsNamed) {
  // The seed's table (55 modes) plus IUTF8 (RFC 8160), which OpenSSH sends.
  // clang-format off
  const char* seed[] = {
      "CS7",     "CS8",     "ECHOCTL", "ECHO",          "ECHOE",         "ECHOKE",   "ECHOK",   "ECHONL",
      "ICANON",  "ICRNL",   "IEXTEN",  "IGNCR",         "IGNPAR",        "IMAXBEL",  "INLCR",   "INPCK",
      "ISIG",    "ISTRIP",  "IUCLC",   "IXANY",         "IXOFF",         "IXON",     "NOFLSH",  "OCRNL",
      "OLCUC",   "ONLCR",   "ONLRET",  "ONOCR",         "OPOST",         "PARENB",   "PARMRK",  "PARODD",
      "PENDIN",  "TOSTOP",  "TTY_OP_ISPEED", "TTY_OP_OSPEED", "VDISCARD", "VDSUSP",  "VEOF",    "VEOL2",
      "VEOL",    "VERASE",  "VFLUSH",  "VINTR",         "VKILL",         "VLNEXT",   "VQUIT",   "VREPRINT",
      "VSTART",  "VSTATUS", "VSTOP",   "VSUSP",         "VSWTCH",        "VWERASE",  "XCASE",
  };
  // clang-format on
  ASSERT_EQ(std::size(seed), 55u);
  std::set<std::string> names;
  for (const char* n : seed) {
    const auto op = terminal_opcode_from_name(n);
    ASSERT_TRUE(op) << n;
    EXPECT_EQ(terminal_mode_name(*op), n);
    EXPECT_NE(terminal_mode_kind_of(*op), terminal_mode_kind::unknown) << n;
  }
  EXPECT_EQ(terminal_opcode_from_name("IUTF8"), terminal_opcode::iutf8);
  EXPECT_EQ(known_terminal_opcodes().size(), 56u);
  for (const auto op : known_terminal_opcodes()) {
    const auto name = terminal_mode_name(op);
    EXPECT_FALSE(name.empty()) << static_cast<int>(op);
    names.emplace(name);
  }
  EXPECT_EQ(names.size(), 56u);                     // no name twice
  EXPECT_FALSE(terminal_opcode_from_name("echo"));  // names are exact
}

TEST(TerminalModes, OpcodesAreTheRfcNumbers) {
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("VINTR")), 1);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("VDISCARD")), 18);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("IGNPAR")), 30);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("IUTF8")), 42);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("ECHO")), 53);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("ONLRET")), 75);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("PARODD")), 93);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("TTY_OP_ISPEED")), 128);
  EXPECT_EQ(static_cast<int>(*terminal_opcode_from_name("TTY_OP_OSPEED")), 129);
  EXPECT_EQ(terminal_mode_name(terminal_opcode::tty_op_end), "TTY_OP_END");
  EXPECT_EQ(terminal_mode_kind_of(terminal_opcode::vintr), terminal_mode_kind::character);
  EXPECT_EQ(terminal_mode_kind_of(terminal_opcode::echo), terminal_mode_kind::flag);
  EXPECT_EQ(terminal_mode_kind_of(terminal_opcode::tty_op_ospeed), terminal_mode_kind::speed);
}

TEST(TerminalModes, EncodesOpcodeThenBigEndianValueWithoutEnd) {
  const bytes b =
      encode_terminal_modes({{terminal_opcode::vintr, 3}, {terminal_opcode::tty_op_ispeed, 38400}});
  EXPECT_EQ(b, from_hex("01 00000003 80 00009600"));
}

TEST(TerminalModes, EncodeLeavesOutEndAndUndefinedOpcodes) {
  const bytes b = encode_terminal_modes({{terminal_opcode::tty_op_end, 1},
                                         {static_cast<terminal_opcode>(160), 2},
                                         {terminal_opcode::echo, 1}});
  EXPECT_EQ(b, from_hex("35 00000001"));
}

TEST(TerminalModes, EveryKnownModeRoundTrips) {
  std::vector<terminal_mode> modes;
  std::uint32_t v = 0x01020304;
  for (const auto op : known_terminal_opcodes()) modes.push_back({op, v++});
  const auto decoded = decode_terminal_modes(encode_terminal_modes(modes));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, modes);
}

TEST(TerminalModes, DecodeStopsAtEndAndIgnoresWhatFollows) {
  const auto d = decode_terminal_modes(from_hex("35 00000001 00 ff ff"));
  ASSERT_TRUE(d) << d.error().message();
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0], (terminal_mode{terminal_opcode::echo, 1}));
}

TEST(TerminalModes, WithOrWithoutEndDecodesTheSame) {
  const auto with = decode_terminal_modes(from_hex("35 00000000 33 00000001 00"));
  const auto without = decode_terminal_modes(from_hex("35 00000000 33 00000001"));
  ASSERT_TRUE(with);
  ASSERT_TRUE(without);
  EXPECT_EQ(*with, *without);
  EXPECT_EQ(with->size(), 2u);
  EXPECT_TRUE(decode_terminal_modes(bytes{})->empty());
  EXPECT_TRUE(decode_terminal_modes(from_hex("00"))->empty());
}

TEST(TerminalModes, TruncatedValueIsAnErrorNamingOpcodeAndOffset) {
  const auto d = decode_terminal_modes(from_hex("01 00000003 35 0000"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, make_error_code(errc::truncated));
  EXPECT_EQ(d.error().detail,
            "terminal modes: opcode 53 (ECHO) at offset 5 needs a 4-byte value, 2 left");
  const auto bare = decode_terminal_modes(from_hex("63"));
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().detail,
            "terminal modes: opcode 99 at offset 0 needs a 4-byte value, 0 left");
}

TEST(TerminalModes, UnknownOpcodeKeepsItsValueAndParsingGoesOn) {
  const auto d = decode_terminal_modes(from_hex("63 deadbeef 35 00000001"));
  ASSERT_TRUE(d) << d.error().message();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ(static_cast<int>((*d)[0].opcode), 99);
  EXPECT_EQ((*d)[0].value, 0xdeadbeefu);
  EXPECT_EQ(terminal_mode_name((*d)[0].opcode), "");
  EXPECT_EQ(terminal_mode_kind_of((*d)[0].opcode), terminal_mode_kind::unknown);
  EXPECT_EQ((*d)[1], (terminal_mode{terminal_opcode::echo, 1}));
}

TEST(TerminalModes, OpcodesFrom160StopParsing) {
  for (const char* stop : {"a0", "c8", "ff"}) {
    // What follows the undefined opcode is not even looked at (here: a truncated value).
    const auto d = decode_terminal_modes(from_hex(std::string("35 00000001 ") + stop + " 01 02"));
    ASSERT_TRUE(d) << stop << ": " << d.error().message();
    ASSERT_EQ(d->size(), 1u) << stop;
    EXPECT_EQ((*d)[0].opcode, terminal_opcode::echo);
  }
  // 159 is still an (unknown) opcode with a value.
  const auto d = decode_terminal_modes(from_hex("9f 00000001"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size(), 1u);
}

TEST(TerminalModes, CountIsBounded) {
  std::vector<terminal_mode> at_cap(max_terminal_modes, {terminal_opcode::echo, 1});
  EXPECT_TRUE(decode_terminal_modes(encode_terminal_modes(at_cap)));
  at_cap.push_back({terminal_opcode::echo, 0});
  const auto d = decode_terminal_modes(encode_terminal_modes(at_cap));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, make_error_code(errc::length_exceeds_limit));
}

TEST(TerminalModes, PtySettingsAsAServerReceivesThem) {
  // A server's pty()->modes holds the string as the client sent it, TTY_OP_END included;
  // a client's pty_settings::modes has none. Both decode.
  pty_settings pty;
  pty.modes = from_hex("03 0000007f 35 00000000 80 00009600 00");
  const auto d = decode_terminal_modes(pty);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (std::vector<terminal_mode>{{terminal_opcode::verase, 0x7f},
                                            {terminal_opcode::echo, 0},
                                            {terminal_opcode::tty_op_ispeed, 38400}}));
}

}  // namespace
}  // namespace sshlib
