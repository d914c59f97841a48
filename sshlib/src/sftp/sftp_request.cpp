// sftp_request: one request's reply. Each reply_* builds the response, encodes it on the
// caller's thread (so a handler answering from a worker thread does the copying there) and
// hands the packet to the session, which writes it on the channel's executor.
#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_server_session.hpp"

#include <sshlib/sftp_server.hpp>

namespace sshlib {
namespace protocol = sftp::protocol;

namespace {
result<bytes> encode(protocol::response r) {
  return protocol::encode_response(r);
}
}  // namespace

sftp_request::sftp_request(std::shared_ptr<sftp_detail::server_session> session,
                           std::uint32_t id) noexcept
    : session_(std::move(session)), id_(id) {}

sftp_request::sftp_request(sftp_request&& other) noexcept
    : session_(std::move(other.session_)), id_(other.id_) {}

sftp_request& sftp_request::operator=(sftp_request&& other) noexcept {
  if (this != &other) {
    if (session_) (void)reply_status(sftp::status_code::failure, "request not answered");
    session_ = std::move(other.session_);
    id_ = other.id_;
  }
  return *this;
}

sftp_request::~sftp_request() {
  if (session_) (void)reply_status(sftp::status_code::failure, "request not answered");
}

result<void> sftp_request::deliver(result<bytes> packet) {
  if (!session_)
    return error(errc::invalid_value,
                 "SFTP request " + std::to_string(id_) + " was answered already");
  if (!packet) return packet.error();
  auto session = std::move(session_);
  session->deliver(std::move(*packet));
  return {};
}

result<void> sftp_request::reply_status(sftp::status_code code, std::string_view message) {
  protocol::status_response r;
  r.id = id_;
  r.code = code;
  r.message = message.empty() ? make_error_code(code).message() : std::string(message);
  if (code == sftp::status_code::ok && message.empty()) r.message = "Success";
  r.language = "en";
  return deliver(encode(std::move(r)));
}

result<void> sftp_request::reply_handle(byte_view handle) {
  protocol::handle_response r;
  r.id = id_;
  r.handle.assign(handle.begin(), handle.end());
  return deliver(encode(std::move(r)));
}

result<void> sftp_request::reply_data(bytes data) {
  protocol::data_response r;
  r.id = id_;
  r.data = std::move(data);
  return deliver(encode(std::move(r)));
}

result<void> sftp_request::reply_name(std::vector<sftp::directory_entry> entries) {
  protocol::name_response r;
  r.id = id_;
  r.entries = std::move(entries);
  return deliver(encode(std::move(r)));
}

result<void> sftp_request::reply_attrs(const sftp::file_attributes& attrs) {
  protocol::attrs_response r;
  r.id = id_;
  r.attrs = attrs;
  return deliver(encode(std::move(r)));
}

result<void> sftp_request::reply_extended(bytes data) {
  protocol::extended_reply r;
  r.id = id_;
  r.data = std::move(data);
  return deliver(encode(std::move(r)));
}

namespace {
result<bytes> extended_packet(std::uint32_t id, const protocol::extended_reply_body& body) {
  auto data = protocol::encode_extended_reply(body);
  if (!data) return data.error();
  protocol::extended_reply r;
  r.id = id;
  r.data = std::move(*data);
  return encode(std::move(r));
}
}  // namespace

result<void> sftp_request::reply_fs_info(const sftp::fs_info& info) {
  return deliver(extended_packet(id_, info));
}

result<void> sftp_request::reply_limits(const sftp::server_limits& limits) {
  return deliver(extended_packet(id_, limits));
}

result<void> sftp_request::reply_user_group_names(std::vector<std::string> user_names,
                                                  std::vector<std::string> group_names) {
  protocol::users_groups_reply body;
  body.user_names = std::move(user_names);
  body.group_names = std::move(group_names);
  return deliver(extended_packet(id_, body));
}

}  // namespace sshlib
