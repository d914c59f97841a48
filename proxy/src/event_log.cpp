#include "event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <system_error>

namespace bastion {
namespace {

std::FILE* open_append(const std::string& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot open the log file " + file);
  std::FILE* f = ::fdopen(fd, "a");
  if (f == nullptr) {
    ::close(fd);
    throw std::system_error(errno, std::generic_category(), "cannot open the log file " + file);
  }
  return f;
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

}  // namespace

event_log::event_log(const std::string& file, bool debug, bool also_stderr)
    : file_(file), debug_(debug), also_stderr_(also_stderr && file != "-") {
  out_ = file_ == "-" ? stderr : open_append(file_);
}

event_log::~event_log() {
  if (out_ != nullptr && out_ != stderr) std::fclose(out_);
}

void event_log::write(std::string_view name, nlohmann::json fields) {
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = timestamp();
  line["event"] = name;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  // Invalid UTF-8 from a client (a user name, a command) is replaced, never a throw.
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::clearerr(out_);
  const bool ok =
      std::fwrite(text.data(), 1, text.size(), out_) == text.size() && std::fflush(out_) == 0;
  if (!ok) {
    ++write_errors_;
    if (!failing_ && out_ != stderr) {
      const std::string says = "bastion: cannot write the event log " + file_ + ": " +
                               std::generic_category().message(errno) + "\n";
      std::fwrite(says.data(), 1, says.size(), stderr);
    }
  }
  failing_ = !ok;
  if (also_stderr_) std::fwrite(text.data(), 1, text.size(), stderr);
}

std::uint64_t event_log::write_errors() const {
  std::lock_guard lock(mutex_);
  return write_errors_;
}

void event_log::debug(std::string_view name, nlohmann::json fields) {
  if (debug_) write(name, std::move(fields));
}

void event_log::reopen() {
  if (file_ == "-") return;
  std::FILE* fresh = open_append(file_);
  std::lock_guard lock(mutex_);
  std::fclose(out_);
  out_ = fresh;
}

}  // namespace bastion
