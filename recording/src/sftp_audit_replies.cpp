// sftp_audit: the server's side of the exchange (draft-ietf-secsh-filexfer-02 sections 4 and
// 7): VERSION, then each reply applied to the request it answers, which sftp_audit.cpp has
// already matched by id and checked to be of a type that request allows.
#include "sftp_audit_impl.hpp"
#include "sftp_audit_text.hpp"

namespace bastion::recording {

namespace protocol = sshlib::sftp::protocol;
using sftp_detail::file_state;
using sftp_detail::pending_op;
using kind = pending_op::kind;

namespace {

nlohmann::json status_result(const protocol::status_response& m) {
  nlohmann::json out = {{"result", sftp_detail::status_name(m.code)}};
  if (m.code != sshlib::sftp::status_code::ok && !m.message.empty()) {
    out["message"] = sftp_detail::utf8_text(m.message);
  }
  return out;
}

const nlohmann::json ok_result = {{"result", "ok"}};
}  // namespace

bool sftp_audit::impl::on_version(const protocol::version_response& m) {
  if (version_seen_) return stop("server: a second SFTP VERSION");
  if (!init_seen_) return stop("server: SFTP VERSION before the client's INIT");
  // The codec reads version 3 only; a later version's packets would be misread.
  if (m.version != sshlib::sftp::protocol_version) {
    return stop("server: SFTP version " + std::to_string(m.version) +
                ", the audit reads version 3 only");
  }
  version_seen_ = true;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& e : m.extensions) {
    names.push_back(sftp_detail::utf8_text(e.name));
    if (e.name.ends_with("@openssh.com")) openssh_server_ = true;
  }
  sink_("session", {{"version", m.version},
                    {"client_version", client_version_},
                    {"extensions", std::move(names)},
                    {"client_extensions", client_extensions_}});
  return true;
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::status_response& m) {
  switch (op.what) {
    case kind::read:
      if (op.file) op.file->read_status(op.offset, m.code == sshlib::sftp::status_code::eof);
      return true;
    case kind::write:
      if (op.file) op.file->write_answered(m.code == sshlib::sftp::status_code::ok, op.length);
      return true;
    case kind::readdir:  // EOF ends a listing
      if (op.file) op.file->readdir_answered(0);
      return true;
    case kind::close: {
      // The server forgets the handle whatever it answers (OpenSSH does).
      auto it = handles_.find(op.handle);
      if (it != handles_.end() && it->second.file == op.file) handles_.erase(it);
      op.fields.update(status_result(m));
      emit_close(op.file.get(), std::move(op.fields), true);
      return true;
    }
    default:
      emit_op(op, status_result(m));
      return true;
  }
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::handle_response& m) {
  if (op.what != kind::open && op.what != kind::opendir) {
    emit_op(op, ok_result);  // an unknown extension's reply: the handle's use is unknown
    return true;
  }
  std::string key(sshlib::as_string_view(m.handle));
  auto it = handles_.find(key);
  if (it == handles_.end() && handles_.size() >= limits_.max_open_handles) {
    return stop("server: more than " + std::to_string(limits_.max_open_handles) + " handles open");
  }
  if (it != handles_.end()) {
    // A server that hands out a handle still open: the old file's story ends here.
    emit_close(it->second.file.get(), nlohmann::json::object(), false);
  }
  const bool directory = op.what == kind::opendir;
  auto file = std::make_shared<file_state>(op.fields.value("path", std::string()), directory,
                                           op.open_flags, limits_.hash_files, budget_);
  handles_.insert_or_assign(std::move(key), sftp_detail::open_handle{std::move(file), op.seq});
  emit_op(op, ok_result);
  return true;
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::name_response& m) {
  if (op.what == kind::readdir) {
    if (op.file) op.file->readdir_answered(m.entries.size());
    return true;
  }
  if (op.name_field != nullptr && !m.entries.empty()) {
    op.fields[op.name_field] = sftp_detail::utf8_text(m.entries.front().filename);
  }
  emit_op(op, ok_result);
  return true;
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::attrs_response&) {
  emit_op(op, ok_result);
  return true;
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::extended_reply&) {
  emit_op(op, ok_result);
  return true;
}

bool sftp_audit::impl::on_reply(pending_op& op, const protocol::data_response& m) {
  // DATA is streamed by the framer (data_head); kept for completeness of the dispatch.
  if (op.file) {
    op.file->read_begin(op.offset, op.asked, m.data.size());
    op.file->read_data(m.data);
    op.file->read_end();
  }
  return true;
}

bool sftp_audit::impl::on_reply(pending_op&, const protocol::version_response&) {
  return stop("server: a second SFTP VERSION");
}

}  // namespace bastion::recording
