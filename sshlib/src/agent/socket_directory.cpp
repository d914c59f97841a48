#include "agent/socket_directory.hpp"

#include <cerrno>
#include <string>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace sshlib::agent_protocol {
namespace {

error system_error(int err, const std::string& what) {
  return error{boost::system::error_code(err, boost::system::system_category()), what};
}

error system_error(boost::system::errc::errc_t e, const std::string& what) {
  return error{boost::system::errc::make_error_code(e), what};
}

// lstat, so that a symlink to someone else's directory is not taken for ours.
result<void> check_private_directory(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return system_error(errno, "agent socket directory " + dir.string());
  if (!S_ISDIR(st.st_mode)) return error{errc::insecure_permissions, dir.string() + " is not a directory"};
  if (st.st_uid != ::geteuid()) return error{errc::insecure_permissions, dir.string() + " belongs to another user"};
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return error{errc::insecure_permissions, dir.string() + " is open to group or others (needs mode 0700)"};
  }
  return {};
}

result<std::filesystem::path> make_temp_directory() {
  std::error_code ec;
  const auto base = std::filesystem::temp_directory_path(ec);
  if (ec) return system_error(ec.value(), "temporary directory");
  std::string pattern = (base / "sshlib-agent-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  // mkdtemp creates the directory with mode 0700.
  if (::mkdtemp(buf.data()) == nullptr) return system_error(errno, "mkdtemp " + pattern);
  return std::filesystem::path(buf.data());
}

}  // namespace

result<socket_location> prepare_socket_location(const std::filesystem::path& requested) {
  socket_location loc;
  if (requested.empty()) {
    auto dir = make_temp_directory();
    if (!dir) return std::move(dir).error();
    loc.created_dir = *dir;
    loc.socket = *dir / ("agent." + std::to_string(::getpid()));
  } else {
    loc.socket = requested;
    const std::filesystem::path dir = requested.has_parent_path() ? requested.parent_path() : ".";
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 && errno == ENOENT) {
      if (::mkdir(dir.c_str(), 0700) != 0) return system_error(errno, "mkdir " + dir.string());
      loc.created_dir = dir;
      // The umask may have taken bits we need; none it leaves are too open.
      if (::chmod(dir.c_str(), S_IRWXU) != 0) {
        const int err = errno;
        remove_socket_location({{}, loc.created_dir});
        return system_error(err, "chmod " + dir.string());
      }
    }
    if (auto ok = check_private_directory(dir); !ok) {
      remove_socket_location({{}, loc.created_dir});
      return ok.error();
    }
    if (::lstat(requested.c_str(), &st) == 0) {
      return system_error(boost::system::errc::file_exists, "agent socket " + requested.string());
    }
  }
  if (loc.socket.native().size() >= sizeof(sockaddr_un{}.sun_path)) {
    remove_socket_location({{}, loc.created_dir});
    return system_error(boost::system::errc::filename_too_long, "agent socket " + loc.socket.string());
  }
  return loc;
}

result<void> restrict_socket_mode(const std::filesystem::path& socket) {
  if (::chmod(socket.c_str(), S_IRUSR | S_IWUSR) != 0) return system_error(errno, "chmod " + socket.string());
  return {};
}

void remove_socket_location(const socket_location& location) noexcept {
  if (!location.socket.empty()) ::unlink(location.socket.c_str());
  if (!location.created_dir.empty()) ::rmdir(location.created_dir.c_str());
}

}  // namespace sshlib::agent_protocol
