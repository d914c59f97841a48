#include "session_recording.hpp"

#include "inbound_connection.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace bastion {
namespace {

std::uint32_t read_u32(const sshlib::bytes& d, std::size_t at) {
  return (std::uint32_t{d[at]} << 24) | (std::uint32_t{d[at + 1]} << 16) |
         (std::uint32_t{d[at + 2]} << 8) | std::uint32_t{d[at + 3]};
}

}  // namespace

std::optional<sshlib::pty_settings> parse_pty_request(const sshlib::bytes& data) {
  // string TERM, uint32 columns, uint32 rows, ... (RFC 4254 section 6.2)
  if (data.size() < 4) return std::nullopt;
  const std::uint32_t len = read_u32(data, 0);
  if (len > data.size() - 4 || data.size() - 4 - len < 8) return std::nullopt;
  sshlib::pty_settings p;
  p.term.assign(data.begin() + 4, data.begin() + 4 + len);
  p.cols = read_u32(data, 4 + len);
  p.rows = read_u32(data, 8 + len);
  return p;
}

std::string prepare_recording_directory(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return "cannot create the recording directory " + dir.string() + ": " + std::strerror(errno);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    return "cannot use the recording directory " + dir.string() + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode))
    return "the recording directory " + dir.string() + " is not a directory";
  if (st.st_uid != ::geteuid())
    return "the recording directory " + dir.string() + " is not owned by the bastion's user";
  if ((st.st_mode & 0022) != 0)
    return "the recording directory " + dir.string() + " is writable by others (mode " +
           std::to_string(st.st_mode & 0777) + " in decimal): make it 0700";
  return {};
}

std::unique_ptr<session_recording> session_recording::open(inbound_connection& conn,
                                                           const policy::grant& g, const request& r,
                                                           std::string& error) {
  const auto& cfg = conn.config().recording;
  recording::session_info info;
  info.session = conn.id();
  info.channel = conn.next_recording_number();
  info.user = g.user;
  info.target = g.destination.name;
  info.login = g.login;
  info.source = conn.source_address();
  info.kind = r.kind;
  info.command = r.command;
  info.started_unix = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  info.input_recorded = g.record_input;
  info.stream_limit = cfg.stream_limit_bytes;
  if (r.pty) {
    // ssh -tt without a local terminal asks for 0x0: players want a size.
    info.width = r.pty->cols != 0 ? r.pty->cols : 80;
    info.height = r.pty->rows != 0 ? r.pty->rows : 24;
    info.term = r.pty->term;
  }
  auto out = std::make_unique<session_recording>();
  const auto dir = *cfg.directory;
  if (r.pty) {
    out->terminal_ = std::make_unique<recording::terminal_writer>(dir, info);
    out->file_name_ = recording::file_name(info, recording::format::terminal);
  } else {
    out->streams_ = std::make_unique<recording::streams_writer>(dir, info);
    out->file_name_ = recording::file_name(info, recording::format::streams);
  }
  if (out->failed()) {
    error = "cannot create the recording " + (dir / out->file_name_).string() + ": " +
            out->error_text();
    return nullptr;
  }
  return out;
}

void session_recording::input(std::span<const std::uint8_t> bytes) {
  if (terminal_) terminal_->input(bytes);
  if (streams_) streams_->data(recording::streams_writer::stream::in, bytes);
}

void session_recording::output(std::span<const std::uint8_t> bytes) {
  if (terminal_) terminal_->output(bytes);
  if (streams_) streams_->data(recording::streams_writer::stream::out, bytes);
}

void session_recording::error_output(std::span<const std::uint8_t> bytes) {
  // A terminal shows stderr among the output; the streams keep it apart.
  if (terminal_) terminal_->output(bytes);
  if (streams_) streams_->data(recording::streams_writer::stream::err, bytes);
}

void session_recording::resize(std::uint32_t cols, std::uint32_t rows) {
  if (terminal_) terminal_->resize(cols, rows);
}

void session_recording::exit(const sshlib::exit_info& e) {
  if (!streams_) return;
  if (e.code) streams_->exit_status(*e.code);
  if (!e.signal.empty()) streams_->exit_signal(e.signal, e.core_dumped);
}

bool session_recording::flush() {
  return terminal_ ? terminal_->flush() : streams_->flush();
}

bool session_recording::finish() {
  return terminal_ ? terminal_->finish() : streams_->finish();
}

bool session_recording::failed() const noexcept {
  return terminal_ ? terminal_->failed() : streams_->failed();
}

std::size_t session_recording::bytes_written() const noexcept {
  return terminal_ ? terminal_->bytes_written() : streams_->bytes_written();
}

std::string session_recording::error_text() const {
  return (terminal_ ? terminal_->error() : streams_->error()).message();
}

}  // namespace bastion
