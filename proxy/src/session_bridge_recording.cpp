// The recording side of a terminated session (docs/recording.md): the file opened when
// the shell, exec or subsystem starts, every relayed chunk written to it (or, for sftp,
// decoded by the audit), flushed each second, and what a write error does to the session.
#include "session_bridge.hpp"

namespace bastion {
namespace asio = boost::asio;
using boost::system::error_code;

std::string session_bridge::start_recording(const std::string& kind,
                                            std::optional<std::string> command) {
  const auto& cfg = conn_->config().recording;
  if (!cfg.directory) return {};
  if (kind == "subsystem" && command == "sftp") {
    start_sftp_audit();
    return {};
  }
  std::string error;
  recording_ = session_recording::open(*conn_, grant_, {kind, std::move(command), pty_}, error);
  if (recording_) {
    recording_file_ = recording_->file_name();
    schedule_flush();
    return {};
  }
  conn_->log("recording_failed", {{"target", grant_.destination.name},
                                  {"reason", error},
                                  {"on_error", cfg.fail_closed ? "fail_closed" : "fail_open"}});
  return cfg.fail_closed ? "this session cannot be recorded, so it may not start (" + error + ")"
                         : std::string();
}

void session_bridge::start_sftp_audit() {
  recording::sftp_audit_limits limits;
  limits.hash_files = conn_->config().recording.sftp_sha256;
  // The sink runs inside the pumps' callbacks, on this connection's executor; the audit is
  // owned by the bridge, so the bridge outlives every call.
  sftp_ = std::make_unique<recording::sftp_audit>(
      [this](std::string_view op, nlohmann::json fields) {
        fields["op"] = op;
        fields["target"] = grant_.destination.name;
        fields["login"] = grant_.login;
        conn_->log("sftp", std::move(fields));
      },
      limits);
}

void session_bridge::record(const direction& d, std::size_t n) {
  const std::span<const std::uint8_t> data(d.buffer.get(), n);
  if (sftp_) {
    if (&d == &to_target_) {
      sftp_->from_client(data);
    } else if (&d == &from_target_) {
      sftp_->from_server(data);
    }
    return;
  }
  if (!recording_) return;
  if (&d == &to_target_) {
    recording_->input(data);
  } else if (&d == &from_target_) {
    recording_->output(data);
  } else {
    recording_->error_output(data);
  }
  if (recording_->failed()) on_recording_failed();
}

void session_bridge::schedule_flush() {
  // At least once a second, so that a crash loses at most the last second.
  flush_timer_.expires_after(std::chrono::seconds(1));
  flush_timer_.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->recording_) return;
    if (!self->recording_->flush()) return self->on_recording_failed();
    self->schedule_flush();
  });
}

void session_bridge::on_recording_failed() {
  const auto why = recording_->error_text();
  const bool closed = conn_->config().recording.fail_closed;
  recording_->finish();
  recording_.reset();
  flush_timer_.cancel();
  conn_->log("recording_failed", {{"target", grant_.destination.name},
                                  {"recording", recording_file_},
                                  {"reason", why},
                                  {"on_error", closed ? "fail_closed" : "fail_open"}});
  if (closed)
    end_session("session ended: recording failed (" + why + ")", {{"ended", "recording failed"}});
}

void session_bridge::finish_recording(nlohmann::json& fields) {
  if (sftp_) {
    sftp_->end();
    sftp_.reset();
  }
  if (recording_file_.empty()) return;
  fields["recording"] = recording_file_;
  if (!recording_) return;  // dropped after a write error (fail_open)
  flush_timer_.cancel();
  const bool ok = recording_->finish();
  fields["recording_bytes"] = recording_->bytes_written();
  if (!ok) fields["recording_error"] = recording_->error_text();
  recording_.reset();
}

}  // namespace bastion
