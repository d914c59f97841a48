#include <bastion/recording/format.hpp>

namespace bastion::recording {

std::string file_name(const session_info& info, format f) {
  return info.session + "." + std::to_string(info.channel) +
         std::string(f == format::terminal ? terminal_extension : streams_extension);
}

}  // namespace bastion::recording
