#include <bastion/recording/recording_file.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

namespace bastion::recording {

recording_file::recording_file(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) error_ = std::error_code(errno, std::generic_category());
}

recording_file::~recording_file() {
  close();
}

void recording_file::append_line(std::string_view line) {
  if (fd_ < 0 || error_) return;
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= flush_threshold) flush();
}

bool recording_file::flush() {
  if (fd_ < 0 || error_) {
    buffer_.clear();
    return !error_;
  }
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = std::error_code(errno, std::generic_category());
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  written_ += done;
  buffer_.clear();
  return !error_;
}

bool recording_file::close() {
  if (fd_ < 0) return !error_;
  flush();
  if (!error_ && ::fdatasync(fd_) != 0) error_ = std::error_code(errno, std::generic_category());
  ::close(fd_);
  fd_ = -1;
  return !error_;
}

}  // namespace bastion::recording
