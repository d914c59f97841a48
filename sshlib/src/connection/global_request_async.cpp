// sshlib::global_request and its reply slot: the application's answer to a global request,
// sent in arrival order by the connection core.
#include "connection/connection_core.hpp"

#include "wire/writer.hpp"

namespace sshlib {
namespace connection {

void global_reply_slot::answer(bool ok, bytes data) {
  if (slot->decided) return;
  if (auto c = core.lock()) {
    c->answer_global(slot, ok, std::move(data));
  } else {
    slot->decided = true;
  }
}

global_reply_slot::~global_reply_slot() { answer(false, {}); }

std::optional<sshlib::global_request> make_application_request(const global_request_message& m,
                                                               std::weak_ptr<connection_core> core,
                                                               std::shared_ptr<reply_slot> slot) {
  auto answerer = std::make_shared<global_reply_slot>();
  answerer->core = std::move(core);
  answerer->slot = std::move(slot);
  sshlib::global_request request(m.name, m.want_reply, bytes(m.data.begin(), m.data.end()), answerer);
  if (m.name == "tcpip-forward" || m.name == "cancel-tcpip-forward") {
    auto f = parse_tcpip_forward(m.data);
    if (!f) return std::nullopt;  // refused by the caller: the application never sees it
    request.bind_address_ = std::move(f->address);
    request.bind_port_ = f->port;
    answerer->port_requested_zero = m.name == "tcpip-forward" && f->port == 0;
  } else if (m.name == "streamlocal-forward@openssh.com" || m.name == "cancel-streamlocal-forward@openssh.com") {
    auto path = parse_streamlocal_forward(m.data);
    if (!path) return std::nullopt;
    request.socket_path_ = std::move(*path);
  }
  return request;
}

}  // namespace connection

global_request::global_request(std::string name, bool want_reply, bytes data,
                               std::shared_ptr<connection::global_reply_slot> slot)
    : name_(std::move(name)), want_reply_(want_reply), data_(std::move(data)), slot_(std::move(slot)) {}

void global_request::accept(std::optional<std::uint32_t> bound_port) {
  bytes reply;
  // RFC 4254 section 7.1: the reply to tcpip-forward carries the port only when 0 was asked.
  if (slot_->port_requested_zero) wire::writer(reply).write_u32(bound_port.value_or(0));
  slot_->answer(true, std::move(reply));
}

void global_request::accept_with_data(bytes reply_data) { slot_->answer(true, std::move(reply_data)); }

void global_request::reject() { slot_->answer(false, {}); }

}  // namespace sshlib
