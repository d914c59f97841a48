// The error category of SFTP status codes and the open-flag strings (sshlib/sftp_types.hpp).
#include <sshlib/sftp_types.hpp>

#include <array>
#include <string>
#include <utility>

namespace sshlib::sftp {
namespace {

class status_category_impl final : public boost::system::error_category {
public:
  const char* name() const noexcept override { return "sftp"; }

  // The meanings of draft-ietf-secsh-filexfer-02 section 7.
  std::string message(int ev) const override {
    switch (static_cast<status_code>(static_cast<std::uint32_t>(ev))) {
      case status_code::ok: return "success";
      case status_code::eof: return "end of file";
      case status_code::no_such_file: return "no such file";
      case status_code::permission_denied: return "permission denied";
      case status_code::failure: return "failure";
      case status_code::bad_message: return "bad message";
      case status_code::no_connection: return "no connection";
      case status_code::connection_lost: return "connection lost";
      case status_code::op_unsupported: return "operation unsupported";
    }
    return "SFTP status " + std::to_string(static_cast<std::uint32_t>(ev));
  }
};

constexpr open_mode r = open_mode::read, w = open_mode::write, a = open_mode::append, c = open_mode::create,
                    t = open_mode::truncate, x = open_mode::exclusive;

// In the order flags_to_string prefers: for each mode, the spelling without 'x' first.
constexpr std::array<std::pair<std::string_view, open_mode>, 14> flag_strings{{
    {"r", r},
    {"r+", r | w},
    {"w", t | c | w},
    {"wx", t | c | w | x},
    {"xw", t | c | w | x},
    {"w+", t | c | r | w},
    {"wx+", t | c | r | w | x},
    {"xw+", t | c | r | w | x},
    {"a", a | c | w},
    {"ax", a | c | w | x},
    {"xa", a | c | w | x},
    {"a+", a | c | r | w},
    {"ax+", a | c | r | w | x},
    {"xa+", a | c | r | w | x},
}};

}  // namespace

std::optional<open_mode> string_to_flags(std::string_view flags) noexcept {
  for (const auto& [text, mode] : flag_strings) {
    if (text == flags) return mode;
  }
  return std::nullopt;
}

std::optional<std::string_view> flags_to_string(open_mode mode) noexcept {
  for (const auto& [text, m] : flag_strings) {
    if (m == mode) return text;
  }
  return std::nullopt;
}

const boost::system::error_category& status_category() noexcept {
  static const status_category_impl category;
  return category;
}

boost::system::error_code make_error_code(status_code code) noexcept {
  return {static_cast<int>(code), status_category()};
}

}  // namespace sshlib::sftp
