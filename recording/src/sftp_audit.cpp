// sftp_audit: the two framed directions, replies matched to their requests by id, the
// events, end() and stopping. The replies' handlers are in sftp_audit_replies.cpp.
#include "sftp_audit_impl.hpp"
#include "sftp_audit_text.hpp"

#include "sftp/sftp_codec.hpp"
#include "sftp/sftp_codec_detail.hpp"
#include "sftp/sftp_packet_reader.hpp"

#include <algorithm>
#include <vector>

namespace bastion::recording {

namespace protocol = sshlib::sftp::protocol;
using sftp_detail::file_state;
using sftp_detail::pending_op;
using kind = pending_op::kind;

namespace {

std::string side_name(protocol::message_type type) {
  return protocol::detail::message_name(type);
}

std::uint8_t reply_bit(protocol::message_type type) {
  switch (type) {
    case protocol::message_type::handle:
      return sftp_detail::reply_handle;
    case protocol::message_type::data:
      return sftp_detail::reply_data;
    case protocol::message_type::name:
      return sftp_detail::reply_name;
    case protocol::message_type::attrs:
      return sftp_detail::reply_attrs;
    case protocol::message_type::extended_reply:
      return sftp_detail::reply_extended;
    default:
      return 0;
  }
}

const nlohmann::json unanswered_result = {{"result", "unanswered"}};

}  // namespace

// The framers' view of the audit: each direction's packets to its half.
class sftp_audit::impl::client_side final : public sftp_detail::frame_handler {
 public:
  explicit client_side(impl& a) noexcept : a_(a) {}
  bool on_packet(sshlib::byte_view p) override { return a_.client_packet(p); }
  bool on_bulk_head(sshlib::byte_view h, std::size_t n) override { return a_.write_head(h, n); }
  bool on_bulk_data(sshlib::byte_view piece) override {
    if (a_.client_bulk_) a_.client_bulk_->write_data(piece);
    return true;
  }
  bool on_bulk_end() override {
    a_.client_bulk_.reset();
    return true;
  }
  void on_frame_error(std::string reason) override { a_.stop("client: " + reason); }

 private:
  impl& a_;
};

class sftp_audit::impl::server_side final : public sftp_detail::frame_handler {
 public:
  explicit server_side(impl& a) noexcept : a_(a) {}
  bool on_packet(sshlib::byte_view p) override { return a_.server_packet(p); }
  bool on_bulk_head(sshlib::byte_view h, std::size_t n) override { return a_.data_head(h, n); }
  bool on_bulk_data(sshlib::byte_view piece) override {
    if (a_.server_bulk_) a_.server_bulk_->read_data(piece);
    return true;
  }
  bool on_bulk_end() override {
    if (a_.server_bulk_) a_.server_bulk_->read_end();
    a_.server_bulk_.reset();
    return true;
  }
  void on_frame_error(std::string reason) override { a_.stop("server: " + reason); }

 private:
  impl& a_;
};

sftp_audit::impl::impl(sink s, sftp_audit_limits limits)
    : budget_{0, limits.max_held_read_bytes},
      sink_(std::move(s)),
      limits_(limits),
      client_side_(std::make_unique<client_side>(*this)),
      server_side_(std::make_unique<server_side>(*this)),
      client_framer_(static_cast<std::uint8_t>(protocol::message_type::write), *client_side_),
      server_framer_(static_cast<std::uint8_t>(protocol::message_type::data), *server_side_) {}

sftp_audit::impl::~impl() = default;

bool sftp_audit::impl::client_packet(sshlib::byte_view payload) {
  auto request = protocol::decode_request(payload);
  if (!request) {
    // A type version 3 does not define still has an id; the server refuses it by that id.
    const auto id = protocol::request_id(payload);
    if (init_seen_ && id &&
        request.error().code == make_error_code(sshlib::errc::sftp_unknown_message)) {
      return add_pending(*id,
                         plain(static_cast<protocol::message_type>(payload[0]), "unknown_request",
                               {{"type", payload[0]}}, sftp_detail::reply_any));
    }
    return stop("client: " + request.error().message());
  }
  const bool init = std::holds_alternative<protocol::init_request>(*request);
  if (init == init_seen_) {  // INIT comes first, and once
    if (init) return stop("client: a second SFTP INIT");
    return stop("client: not SFTP: " +
                side_name(std::visit([](const auto& m) { return m.type; }, *request)) +
                " before INIT");
  }
  return std::visit([this](const auto& m) { return on_request(m); }, *request);
}

bool sftp_audit::impl::write_head(sshlib::byte_view head, std::size_t data_length) {
  // The framer has checked the layout; the reader checks it again rather than trust it.
  protocol::packet_reader r(head.subspan(1));
  std::uint32_t id = 0, length = 0;
  sshlib::byte_view handle;
  std::uint64_t offset = 0;
  if (!(r.u32(id) && r.string(handle, protocol::limits::max_handle_length) && r.u64(offset) &&
        r.u32(length) && r.end())) {
    return stop("client: " + r.failure("SFTP WRITE").message());
  }
  if (!init_seen_) return stop("client: not SFTP: SFTP WRITE before INIT");
  pending_op op;
  op.what = kind::write;
  op.type = protocol::message_type::write;
  op.file = find_handle(handle);
  op.length = data_length;
  auto file = op.file;
  if (!add_pending(id, std::move(op))) return false;
  if (file) file->write_begin(offset, data_length);
  client_bulk_ = std::move(file);
  return true;
}

bool sftp_audit::impl::server_packet(sshlib::byte_view payload) {
  auto reply = protocol::decode_response(payload);
  if (!reply) return stop("server: " + reply.error().message());
  if (const auto* v = std::get_if<protocol::version_response>(&*reply)) return on_version(*v);
  const auto type = std::visit([](const auto& m) { return m.type; }, *reply);
  if (!version_seen_) return stop("server: not SFTP: " + side_name(type) + " before VERSION");
  const auto id = std::visit(
      [](const auto& m) -> std::uint32_t {
        if constexpr (requires { m.id; }) return m.id;
        return 0;
      },
      *reply);
  auto node = pending_.extract(id);
  if (node.empty()) {
    return stop("server: " + side_name(type) + " answers request id " + std::to_string(id) +
                ", which is not outstanding");
  }
  pending_op& op = node.mapped();
  if (type != protocol::message_type::status && (op.accepts & reply_bit(type)) == 0) {
    return stop("server: " + side_name(type) + " answers " + side_name(op.type) + " request " +
                std::to_string(id));
  }
  return std::visit([&](const auto& m) { return on_reply(op, m); }, *reply);
}

bool sftp_audit::impl::data_head(sshlib::byte_view head, std::size_t data_length) {
  protocol::packet_reader r(head.subspan(1));
  std::uint32_t id = 0, length = 0;
  if (!(r.u32(id) && r.u32(length) && r.end())) {
    return stop("server: " + r.failure("SFTP DATA").message());
  }
  if (!version_seen_) return stop("server: not SFTP: SFTP DATA before VERSION");
  auto node = pending_.extract(id);
  if (node.empty()) {
    return stop("server: SFTP DATA answers request id " + std::to_string(id) +
                ", which is not outstanding");
  }
  if ((node.mapped().accepts & sftp_detail::reply_data) == 0) {
    return stop("server: SFTP DATA answers " + side_name(node.mapped().type) + " request " +
                std::to_string(id));
  }
  if (node.mapped().what != kind::read) {  // an unknown extension's reply
    emit_op(node.mapped(), {{"result", "ok"}});
    return true;
  }
  server_bulk_ = std::move(node.mapped().file);
  if (server_bulk_)
    server_bulk_->read_begin(node.mapped().offset, node.mapped().asked, data_length);
  return true;
}

bool sftp_audit::impl::add_pending(std::uint32_t id, pending_op op) {
  if (pending_.size() >= limits_.max_outstanding_requests) {
    return stop("client: more than " + std::to_string(limits_.max_outstanding_requests) +
                " requests outstanding");
  }
  op.seq = seq_++;
  if (!pending_.try_emplace(id, std::move(op)).second) {
    return stop("client: request id " + std::to_string(id) + " reused while outstanding");
  }
  return true;
}

pending_op sftp_audit::impl::plain(protocol::message_type type, std::string op,
                                   nlohmann::json fields, std::uint8_t accepts) {
  pending_op out;
  out.type = type;
  out.accepts = accepts;
  out.op = std::move(op);
  out.fields = std::move(fields);
  return out;
}

std::shared_ptr<file_state> sftp_audit::impl::find_handle(sshlib::byte_view handle) const {
  auto it = handles_.find(std::string(sshlib::as_string_view(handle)));
  return it == handles_.end() ? nullptr : it->second.file;
}

nlohmann::json sftp_audit::impl::handle_path(sshlib::byte_view handle) const {
  auto file = find_handle(handle);
  return file ? nlohmann::json(file->path()) : nlohmann::json(nullptr);
}

void sftp_audit::impl::emit_op(pending_op& op, const nlohmann::json& result) {
  if (op.symlink && openssh_server_) {
    // OpenSSH's sftp-server reads SYMLINK's two paths the other way round (PROTOCOL 4.1),
    // and it is the server that decides what was created.
    std::swap(op.fields["link"], op.fields["target"]);
  }
  op.fields.update(result);
  sink_(op.op, std::move(op.fields));
}

void sftp_audit::impl::emit_close(file_state* file, nlohmann::json fields, bool closed) {
  if (file != nullptr) fields["path"] = file->path();
  fields["closed"] = closed;
  if (file != nullptr) file->summarize(fields);
  sink_("close", std::move(fields));
}

void sftp_audit::impl::end() {
  if (stopped_ || ended_) return;
  ended_ = true;
  std::vector<pending_op*> ops;
  for (auto& [id, op] : pending_) ops.push_back(&op);
  std::sort(ops.begin(), ops.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  for (pending_op* op : ops) {
    if (op->what == kind::read || op->what == kind::write || op->what == kind::readdir) {
      continue;  // counted per handle, not events
    }
    if (op->what != kind::close) {
      emit_op(*op, unanswered_result);
      continue;
    }
    auto it = handles_.find(op->handle);
    if (it != handles_.end() && it->second.file == op->file) handles_.erase(it);
    op->fields.update(unanswered_result);
    emit_close(op->file.get(), std::move(op->fields), false);
  }
  std::vector<sftp_detail::open_handle*> open;
  for (auto& [handle, h] : handles_) open.push_back(&h);
  std::sort(open.begin(), open.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  for (auto* h : open) emit_close(h->file.get(), nlohmann::json::object(), false);
  pending_.clear();
  handles_.clear();
}

bool sftp_audit::impl::stop(std::string reason) {
  if (stopped_) return false;
  stopped_ = true;
  reason_ = std::move(reason);
  nlohmann::json fields = {{"reason", sftp_detail::utf8_text(reason_)},
                           {"outstanding_requests", pending_.size()},
                           {"open_handles", handles_.size()}};
  // Nothing more will be read: let the memory go now rather than with the channel.
  pending_.clear();
  handles_.clear();
  client_bulk_.reset();
  server_bulk_.reset();
  sink_("audit_stopped", std::move(fields));
  return false;
}

// The public face.

sftp_audit::sftp_audit(sink s, sftp_audit_limits limits)
    : impl_(std::make_unique<impl>(std::move(s), limits)) {}
sftp_audit::~sftp_audit() = default;
sftp_audit::sftp_audit(sftp_audit&&) noexcept = default;
sftp_audit& sftp_audit::operator=(sftp_audit&&) noexcept = default;

void sftp_audit::from_client(std::span<const std::uint8_t> bytes) {
  impl_->from_client(bytes);
}
void sftp_audit::from_server(std::span<const std::uint8_t> bytes) {
  impl_->from_server(bytes);
}
void sftp_audit::end() {
  impl_->end();
}
bool sftp_audit::stopped() const noexcept {
  return impl_->stopped();
}
const std::string& sftp_audit::stop_reason() const noexcept {
  return impl_->stop_reason();
}

}  // namespace bastion::recording
