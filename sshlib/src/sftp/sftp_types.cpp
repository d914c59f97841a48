// The error category of SFTP status codes (sshlib/sftp_types.hpp).
#include <sshlib/sftp_types.hpp>

#include <string>

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

}  // namespace

const boost::system::error_category& status_category() noexcept {
  static const status_category_impl category;
  return category;
}

boost::system::error_code make_error_code(status_code code) noexcept {
  return {static_cast<int>(code), status_category()};
}

}  // namespace sshlib::sftp
