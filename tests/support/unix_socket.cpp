#include "support/unix_socket.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace sshlib::test {
namespace {

constexpr int io_timeout_ms = 10000;

int connect_unix(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  int r = 0;
  while ((r = ::poll(&p, 1, io_timeout_ms)) < 0 && errno == EINTR) {
  }
  return r > 0;
}

}  // namespace

unix_client::unix_client(const std::filesystem::path& path) : fd_(connect_unix(path)) {}

unix_client::~unix_client() {
  if (fd_ >= 0) ::close(fd_);
}

bool unix_client::send(byte_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool unix_client::read_exactly(std::uint8_t* p, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    if (!wait_readable(fd_)) return false;
    const ssize_t r = ::read(fd_, p + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<std::size_t>(r);
  }
  return true;
}

std::optional<bytes> unix_client::receive_message() {
  std::uint8_t header[4];
  if (!read_exactly(header, sizeof header)) return std::nullopt;
  const std::size_t length = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                             (std::size_t{header[2]} << 8) | std::size_t{header[3]};
  if (length > 1024 * 1024) return std::nullopt;
  bytes payload(length);
  if (!read_exactly(payload.data(), length)) return std::nullopt;
  return payload;
}

bool unix_client::peer_closed() {
  std::uint8_t b = 0;
  if (!wait_readable(fd_)) return false;
  return ::read(fd_, &b, 1) == 0;
}

bool wait_for_unix_socket(const std::filesystem::path& path, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    const int fd = connect_unix(path);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace sshlib::test
