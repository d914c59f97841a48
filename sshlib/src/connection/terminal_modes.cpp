// Terminal modes codec (RFC 4254 section 8; IUTF8 from RFC 8160). Sans-IO.
#include <sshlib/terminal_modes.hpp>

#include <sshlib/channel.hpp>

#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace sshlib {
namespace {

struct mode_entry {
  terminal_opcode op;
  std::string_view name;
  terminal_mode_kind kind;
};

using enum terminal_opcode;
constexpr auto ch = terminal_mode_kind::character;
constexpr auto fl = terminal_mode_kind::flag;
constexpr auto sp = terminal_mode_kind::speed;

// In opcode order, so that lookups by opcode can binary-search.
// clang-format off
constexpr std::array<mode_entry, 56> mode_table{{
    {vintr, "VINTR", ch},       {vquit, "VQUIT", ch},       {verase, "VERASE", ch},
    {vkill, "VKILL", ch},       {veof, "VEOF", ch},         {veol, "VEOL", ch},
    {veol2, "VEOL2", ch},       {vstart, "VSTART", ch},     {vstop, "VSTOP", ch},
    {vsusp, "VSUSP", ch},       {vdsusp, "VDSUSP", ch},     {vreprint, "VREPRINT", ch},
    {vwerase, "VWERASE", ch},   {vlnext, "VLNEXT", ch},     {vflush, "VFLUSH", ch},
    {vswtch, "VSWTCH", ch},     {vstatus, "VSTATUS", ch},   {vdiscard, "VDISCARD", ch},
    {ignpar, "IGNPAR", fl},     {parmrk, "PARMRK", fl},     {inpck, "INPCK", fl},
    {istrip, "ISTRIP", fl},     {inlcr, "INLCR", fl},       {igncr, "IGNCR", fl},
    {icrnl, "ICRNL", fl},       {iuclc, "IUCLC", fl},       {ixon, "IXON", fl},
    {ixany, "IXANY", fl},       {ixoff, "IXOFF", fl},       {imaxbel, "IMAXBEL", fl},
    {iutf8, "IUTF8", fl},       {isig, "ISIG", fl},         {icanon, "ICANON", fl},
    {xcase, "XCASE", fl},       {echo, "ECHO", fl},         {echoe, "ECHOE", fl},
    {echok, "ECHOK", fl},       {echonl, "ECHONL", fl},     {noflsh, "NOFLSH", fl},
    {tostop, "TOSTOP", fl},     {iexten, "IEXTEN", fl},     {echoctl, "ECHOCTL", fl},
    {echoke, "ECHOKE", fl},     {pendin, "PENDIN", fl},     {opost, "OPOST", fl},
    {olcuc, "OLCUC", fl},       {onlcr, "ONLCR", fl},       {ocrnl, "OCRNL", fl},
    {onocr, "ONOCR", fl},       {onlret, "ONLRET", fl},     {cs7, "CS7", fl},
    {cs8, "CS8", fl},           {parenb, "PARENB", fl},     {parodd, "PARODD", fl},
    {tty_op_ispeed, "TTY_OP_ISPEED", sp},                   {tty_op_ospeed, "TTY_OP_OSPEED", sp},
}};
// clang-format on

constexpr bool table_is_sorted() {
  for (std::size_t i = 1; i < mode_table.size(); ++i) {
    if (mode_table[i - 1].op >= mode_table[i].op) return false;
  }
  return true;
}
static_assert(table_is_sorted(), "mode_table must be in opcode order");

constexpr std::array<terminal_opcode, mode_table.size()> opcode_list = [] {
  std::array<terminal_opcode, mode_table.size()> out{};
  for (std::size_t i = 0; i < mode_table.size(); ++i) out[i] = mode_table[i].op;
  return out;
}();

const mode_entry* find(terminal_opcode op) noexcept {
  const auto it = std::lower_bound(mode_table.begin(), mode_table.end(), op,
                                   [](const mode_entry& e, terminal_opcode o) { return e.op < o; });
  return it != mode_table.end() && it->op == op ? &*it : nullptr;
}

std::string describe(terminal_opcode op) {
  std::string out = "opcode " + std::to_string(static_cast<unsigned>(op));
  if (const auto* e = find(op)) out += " (" + std::string(e->name) + ")";
  return out;
}

}  // namespace

std::span<const terminal_opcode> known_terminal_opcodes() noexcept {
  return opcode_list;
}

std::string_view terminal_mode_name(terminal_opcode op) noexcept {
  if (op == tty_op_end) return "TTY_OP_END";
  const auto* e = find(op);
  return e != nullptr ? e->name : std::string_view{};
}

std::optional<terminal_opcode> terminal_opcode_from_name(std::string_view name) noexcept {
  if (name == "TTY_OP_END") return tty_op_end;
  for (const auto& e : mode_table) {
    if (e.name == name) return e.op;
  }
  return std::nullopt;
}

terminal_mode_kind terminal_mode_kind_of(terminal_opcode op) noexcept {
  const auto* e = find(op);
  return e != nullptr ? e->kind : terminal_mode_kind::unknown;
}

result<std::vector<terminal_mode>> decode_terminal_modes(byte_view encoded) {
  std::vector<terminal_mode> out;
  wire::reader r(encoded);
  while (r.remaining() > 0) {
    std::uint8_t op = 0;
    (void)r.read_byte(op);  // cannot fail: remaining() > 0
    if (op == 0 || op >= first_undefined_terminal_opcode) break;
    const auto opcode = static_cast<terminal_opcode>(op);
    const std::size_t at = r.offset() - 1;
    if (r.remaining() < 4) {
      return sshlib::error{errc::truncated, "terminal modes: " + describe(opcode) + " at offset " +
                                                std::to_string(at) + " needs a 4-byte value, " +
                                                std::to_string(r.remaining()) + " left"};
    }
    if (out.size() == max_terminal_modes) {
      return sshlib::error{
          errc::length_exceeds_limit,
          "terminal modes: more than " + std::to_string(max_terminal_modes) + " modes"};
    }
    std::uint32_t value = 0;
    (void)r.read_u32(value);  // cannot fail: 4 bytes left
    out.push_back({opcode, value});
  }
  return out;
}

result<std::vector<terminal_mode>> decode_terminal_modes(const pty_settings& pty) {
  return decode_terminal_modes(byte_view(pty.modes));
}

bytes encode_terminal_modes(const std::vector<terminal_mode>& modes) {
  bytes out;
  out.reserve(modes.size() * 5);
  wire::writer w(out);
  for (const auto& m : modes) {
    const auto op = static_cast<std::uint8_t>(m.opcode);
    if (op == 0 || op >= first_undefined_terminal_opcode) continue;
    w.write_byte(op);
    w.write_u32(m.value);
  }
  return out;
}

}  // namespace sshlib
