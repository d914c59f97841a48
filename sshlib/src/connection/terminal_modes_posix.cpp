// Terminal modes onto termios and back. Each entry exists only where the platform defines
// the flag or control character, hence the #ifdefs.
#include <sshlib/terminal_modes_posix.hpp>

#include <unistd.h>

#include <array>
#include <cstddef>
#include <optional>

namespace sshlib {
namespace {

enum class field { cc, iflag, lflag, oflag, cflag, csize, ispeed, ospeed };

struct posix_mode {
  terminal_opcode op;
  field where;
  tcflag_t bit;       // flag fields and csize: the bit(s)
  std::size_t index;  // cc: the c_cc index
};

// clang-format off
#define SSHLIB_CC(op, idx) posix_mode{terminal_opcode::op, field::cc, 0, idx},
#define SSHLIB_FLAG(op, f, bit) posix_mode{terminal_opcode::op, field::f, bit, 0},

// In opcode order.
constexpr posix_mode posix_modes[] = {
    SSHLIB_CC(vintr, VINTR)
    SSHLIB_CC(vquit, VQUIT)
    SSHLIB_CC(verase, VERASE)
    SSHLIB_CC(vkill, VKILL)
    SSHLIB_CC(veof, VEOF)
    SSHLIB_CC(veol, VEOL)
#ifdef VEOL2
    SSHLIB_CC(veol2, VEOL2)
#endif
#ifdef VSTART
    SSHLIB_CC(vstart, VSTART)
#endif
#ifdef VSTOP
    SSHLIB_CC(vstop, VSTOP)
#endif
#ifdef VSUSP
    SSHLIB_CC(vsusp, VSUSP)
#endif
#ifdef VDSUSP
    SSHLIB_CC(vdsusp, VDSUSP)
#endif
#ifdef VREPRINT
    SSHLIB_CC(vreprint, VREPRINT)
#endif
#ifdef VWERASE
    SSHLIB_CC(vwerase, VWERASE)
#endif
#ifdef VLNEXT
    SSHLIB_CC(vlnext, VLNEXT)
#endif
#ifdef VFLUSH
    SSHLIB_CC(vflush, VFLUSH)
#endif
#if defined(VSWTCH)
    SSHLIB_CC(vswtch, VSWTCH)
#elif defined(VSWTC)
    SSHLIB_CC(vswtch, VSWTC)
#endif
#ifdef VSTATUS
    SSHLIB_CC(vstatus, VSTATUS)
#endif
#ifdef VDISCARD
    SSHLIB_CC(vdiscard, VDISCARD)
#endif
    SSHLIB_FLAG(ignpar, iflag, IGNPAR)
    SSHLIB_FLAG(parmrk, iflag, PARMRK)
    SSHLIB_FLAG(inpck, iflag, INPCK)
    SSHLIB_FLAG(istrip, iflag, ISTRIP)
    SSHLIB_FLAG(inlcr, iflag, INLCR)
    SSHLIB_FLAG(igncr, iflag, IGNCR)
    SSHLIB_FLAG(icrnl, iflag, ICRNL)
#ifdef IUCLC
    SSHLIB_FLAG(iuclc, iflag, IUCLC)
#endif
    SSHLIB_FLAG(ixon, iflag, IXON)
#ifdef IXANY
    SSHLIB_FLAG(ixany, iflag, IXANY)
#endif
    SSHLIB_FLAG(ixoff, iflag, IXOFF)
#ifdef IMAXBEL
    SSHLIB_FLAG(imaxbel, iflag, IMAXBEL)
#endif
#ifdef IUTF8
    SSHLIB_FLAG(iutf8, iflag, IUTF8)
#endif
    SSHLIB_FLAG(isig, lflag, ISIG)
    SSHLIB_FLAG(icanon, lflag, ICANON)
#ifdef XCASE
    SSHLIB_FLAG(xcase, lflag, XCASE)
#endif
    SSHLIB_FLAG(echo, lflag, ECHO)
    SSHLIB_FLAG(echoe, lflag, ECHOE)
    SSHLIB_FLAG(echok, lflag, ECHOK)
    SSHLIB_FLAG(echonl, lflag, ECHONL)
    SSHLIB_FLAG(noflsh, lflag, NOFLSH)
    SSHLIB_FLAG(tostop, lflag, TOSTOP)
    SSHLIB_FLAG(iexten, lflag, IEXTEN)
#ifdef ECHOCTL
    SSHLIB_FLAG(echoctl, lflag, ECHOCTL)
#endif
#ifdef ECHOKE
    SSHLIB_FLAG(echoke, lflag, ECHOKE)
#endif
#ifdef PENDIN
    SSHLIB_FLAG(pendin, lflag, PENDIN)
#endif
    SSHLIB_FLAG(opost, oflag, OPOST)
#ifdef OLCUC
    SSHLIB_FLAG(olcuc, oflag, OLCUC)
#endif
#ifdef ONLCR
    SSHLIB_FLAG(onlcr, oflag, ONLCR)
#endif
#ifdef OCRNL
    SSHLIB_FLAG(ocrnl, oflag, OCRNL)
#endif
#ifdef ONOCR
    SSHLIB_FLAG(onocr, oflag, ONOCR)
#endif
#ifdef ONLRET
    SSHLIB_FLAG(onlret, oflag, ONLRET)
#endif
    SSHLIB_FLAG(cs7, csize, CS7)
    SSHLIB_FLAG(cs8, csize, CS8)
    SSHLIB_FLAG(parenb, cflag, PARENB)
    SSHLIB_FLAG(parodd, cflag, PARODD)
    posix_mode{terminal_opcode::tty_op_ispeed, field::ispeed, 0, 0},
    posix_mode{terminal_opcode::tty_op_ospeed, field::ospeed, 0, 0},
};

#undef SSHLIB_CC
#undef SSHLIB_FLAG

struct baud {
  std::uint32_t rate;
  speed_t code;
};

#define SSHLIB_BAUD(n) baud{n, B##n},
constexpr baud bauds[] = {
    SSHLIB_BAUD(0) SSHLIB_BAUD(50) SSHLIB_BAUD(75) SSHLIB_BAUD(110) SSHLIB_BAUD(134) SSHLIB_BAUD(150)
    SSHLIB_BAUD(200) SSHLIB_BAUD(300) SSHLIB_BAUD(600) SSHLIB_BAUD(1200) SSHLIB_BAUD(1800)
    SSHLIB_BAUD(2400) SSHLIB_BAUD(4800) SSHLIB_BAUD(9600) SSHLIB_BAUD(19200) SSHLIB_BAUD(38400)
#ifdef B57600
    SSHLIB_BAUD(57600)
#endif
#ifdef B115200
    SSHLIB_BAUD(115200)
#endif
#ifdef B230400
    SSHLIB_BAUD(230400)
#endif
#ifdef B460800
    SSHLIB_BAUD(460800)
#endif
#ifdef B921600
    SSHLIB_BAUD(921600)
#endif
#ifdef B1000000
    SSHLIB_BAUD(1000000)
#endif
#ifdef B2000000
    SSHLIB_BAUD(2000000)
#endif
#ifdef B4000000
    SSHLIB_BAUD(4000000)
#endif
};
#undef SSHLIB_BAUD
// clang-format on

const posix_mode* find(terminal_opcode op) noexcept {
  for (const auto& m : posix_modes) {
    if (m.op == op) return &m;
  }
  return nullptr;
}

std::optional<speed_t> speed_code(std::uint32_t rate) noexcept {
  for (const auto& b : bauds) {
    if (b.rate == rate) return b.code;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> speed_rate(speed_t code) noexcept {
  for (const auto& b : bauds) {
    if (b.code == code) return b.rate;
  }
  return std::nullopt;
}

// The flag word of a field (const or not, following `tio`); nullptr for cc and speeds.
template <class Termios>
auto flags_of(Termios& tio, field f) noexcept -> decltype(&tio.c_iflag) {
  switch (f) {
    case field::iflag:
      return &tio.c_iflag;
    case field::lflag:
      return &tio.c_lflag;
    case field::oflag:
      return &tio.c_oflag;
    case field::cflag:
    case field::csize:
      return &tio.c_cflag;
    default:
      return nullptr;
  }
}

// Applies one mode; false when it cannot be represented here.
bool apply_one(termios& tio, const posix_mode& pm, std::uint32_t value) {
  switch (pm.where) {
    case field::cc:
      if (value > 255) return false;
      tio.c_cc[pm.index] =
          value == 255 ? static_cast<cc_t>(_POSIX_VDISABLE) : static_cast<cc_t>(value);
      return true;
    case field::csize:
      if (value != 0) tio.c_cflag = (tio.c_cflag & ~static_cast<tcflag_t>(CSIZE)) | pm.bit;
      return true;
    case field::ispeed:
    case field::ospeed: {
      const auto code = speed_code(value);
      if (!code) return false;
      return (pm.where == field::ispeed ? ::cfsetispeed(&tio, *code)
                                        : ::cfsetospeed(&tio, *code)) == 0;
    }
    default: {
      tcflag_t* flags = flags_of(tio, pm.where);
      if (value != 0) {
        *flags |= pm.bit;
      } else {
        *flags &= ~pm.bit;
      }
      return true;
    }
  }
}

}  // namespace

std::vector<terminal_mode> apply_terminal_modes(termios& tio,
                                                const std::vector<terminal_mode>& modes) {
  std::vector<terminal_mode> skipped;
  for (const auto& m : modes) {
    const posix_mode* pm = find(m.opcode);
    if (pm == nullptr || !apply_one(tio, *pm, m.value)) skipped.push_back(m);
  }
  return skipped;
}

std::vector<terminal_mode> terminal_modes_from_termios(const termios& tio) {
  std::vector<terminal_mode> out;
  out.reserve(std::size(posix_modes));
  for (const auto& pm : posix_modes) {
    std::uint32_t value = 0;
    switch (pm.where) {
      case field::cc: {
        const cc_t c = tio.c_cc[pm.index];
        value = c == static_cast<cc_t>(_POSIX_VDISABLE) ? 255 : c;
        break;
      }
      case field::csize:
        value = (tio.c_cflag & CSIZE) == pm.bit ? 1 : 0;
        break;
      case field::ispeed:
      case field::ospeed: {
        const auto rate =
            speed_rate(pm.where == field::ispeed ? ::cfgetispeed(&tio) : ::cfgetospeed(&tio));
        if (!rate) continue;  // a rate without a B<rate> constant in our table: left out
        value = *rate;
        break;
      }
      default:
        value = (*flags_of(tio, pm.where) & pm.bit) != 0 ? 1 : 0;
        break;
    }
    out.push_back({pm.op, value});
  }
  return out;
}

}  // namespace sshlib
