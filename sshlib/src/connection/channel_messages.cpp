#include "connection/channel_messages.hpp"

#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace sshlib::connection {
namespace {

error malformed(std::string_view what, const wire::reader& r) {
  return {r.error() ? r.error() : make_error_code(errc::protocol_error),
          "malformed " + std::string(what) + " at offset " + std::to_string(r.error_offset())};
}

result<wire::reader> open(byte_view payload, std::uint8_t number, std::string_view what) {
  if (payload.empty() || payload[0] != number) return error{errc::protocol_error, "expected " + std::string(what)};
  return wire::reader(payload.subspan(1));
}

bytes with_recipient(std::uint8_t number, std::uint32_t recipient) {
  bytes p;
  wire::writer w(p);
  w.write_byte(number);
  w.write_u32(recipient);
  return p;
}

}  // namespace

result<global_request_message> parse_global_request(byte_view payload) {
  auto r = open(payload, msg::global_request, "GLOBAL_REQUEST");
  if (!r) return r.error();
  global_request_message m;
  if (!r->read_string(m.name, limits::max_name) || !r->read_bool(m.want_reply)) return malformed("GLOBAL_REQUEST", *r);
  m.data = r->rest();
  return m;
}

bytes make_global_request(std::string_view name, bool want_reply, byte_view data) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::global_request);
  w.write_string(name);
  w.write_bool(want_reply);
  w.write_raw(data);
  return p;
}

bytes make_request_success(byte_view data) {
  bytes p{msg::request_success};
  p.insert(p.end(), data.begin(), data.end());
  return p;
}

bytes make_request_failure() { return bytes{msg::request_failure}; }

result<channel_open_message> parse_channel_open(byte_view payload) {
  auto r = open(payload, msg::channel_open, "CHANNEL_OPEN");
  if (!r) return r.error();
  channel_open_message m;
  if (!r->read_string(m.type, limits::max_name) || !r->read_u32(m.sender_channel) || !r->read_u32(m.initial_window) ||
      !r->read_u32(m.max_packet)) {
    return malformed("CHANNEL_OPEN", *r);
  }
  m.data = r->rest();
  return m;
}

bytes make_channel_open(std::string_view type, std::uint32_t sender, std::uint32_t window, std::uint32_t max_packet,
                        byte_view data) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::channel_open);
  w.write_string(type);
  w.write_u32(sender);
  w.write_u32(window);
  w.write_u32(max_packet);
  w.write_raw(data);
  return p;
}

result<open_confirmation_message> parse_open_confirmation(byte_view payload) {
  auto r = open(payload, msg::channel_open_confirmation, "CHANNEL_OPEN_CONFIRMATION");
  if (!r) return r.error();
  open_confirmation_message m;
  // Type-specific data may follow (none for the types we open); it is ignored.
  if (!r->read_u32(m.recipient) || !r->read_u32(m.sender) || !r->read_u32(m.initial_window) || !r->read_u32(m.max_packet)) {
    return malformed("CHANNEL_OPEN_CONFIRMATION", *r);
  }
  return m;
}

bytes make_open_confirmation(std::uint32_t recipient, std::uint32_t sender, std::uint32_t window,
                             std::uint32_t max_packet) {
  bytes p = with_recipient(msg::channel_open_confirmation, recipient);
  wire::writer w(p);
  w.write_u32(sender);
  w.write_u32(window);
  w.write_u32(max_packet);
  return p;
}

result<open_failure_message> parse_open_failure(byte_view payload) {
  auto r = open(payload, msg::channel_open_failure, "CHANNEL_OPEN_FAILURE");
  if (!r) return r.error();
  open_failure_message m;
  std::string language;
  if (!r->read_u32(m.recipient) || !r->read_u32(m.reason) || !r->read_string(m.description, 4096) ||
      !r->read_string(language, 256)) {
    return malformed("CHANNEL_OPEN_FAILURE", *r);
  }
  return m;
}

bytes make_open_failure(std::uint32_t recipient, open_failure_reason reason, std::string_view description) {
  bytes p = with_recipient(msg::channel_open_failure, recipient);
  wire::writer w(p);
  w.write_u32(static_cast<std::uint32_t>(reason));
  w.write_string(description);
  w.write_string(std::string_view{});
  return p;
}

result<std::uint32_t> recipient_channel(byte_view payload) {
  wire::reader r(payload.subspan(payload.empty() ? 0 : 1));
  std::uint32_t id = 0;
  if (payload.empty() || !r.read_u32(id)) return error{errc::truncated, "channel message without a recipient"};
  return id;
}

result<std::uint32_t> parse_window_adjust(byte_view payload) {
  auto r = open(payload, msg::channel_window_adjust, "CHANNEL_WINDOW_ADJUST");
  if (!r) return r.error();
  std::uint32_t id = 0, add = 0;
  if (!r->read_u32(id) || !r->read_u32(add) || !r->expect_end()) return malformed("CHANNEL_WINDOW_ADJUST", *r);
  return add;
}

bytes make_window_adjust(std::uint32_t recipient, std::uint32_t bytes_to_add) {
  bytes p = with_recipient(msg::channel_window_adjust, recipient);
  wire::writer(p).write_u32(bytes_to_add);
  return p;
}

result<data_message> parse_data(byte_view payload, std::size_t max_len) {
  if (payload.empty()) return error{errc::protocol_error, "empty channel data"};
  wire::reader r(payload.subspan(1));
  std::uint32_t id = 0;
  data_message m;
  if (!r.read_u32(id)) return malformed("CHANNEL_DATA", r);
  if (payload[0] == msg::channel_extended_data && !r.read_u32(m.data_type)) return malformed("CHANNEL_EXTENDED_DATA", r);
  if (!r.read_string(m.data, max_len) || !r.expect_end()) return malformed("CHANNEL_DATA", r);
  return m;
}

void make_data(bytes& out, std::uint32_t recipient, std::uint32_t data_type, byte_view data) {
  wire::writer w(out);
  w.write_byte(data_type == 0 ? msg::channel_data : msg::channel_extended_data);
  w.write_u32(recipient);
  if (data_type != 0) w.write_u32(data_type);
  w.write_string(data);
}

bytes make_eof(std::uint32_t recipient) { return with_recipient(msg::channel_eof, recipient); }
bytes make_close(std::uint32_t recipient) { return with_recipient(msg::channel_close, recipient); }

result<channel_request_message> parse_channel_request(byte_view payload) {
  auto r = open(payload, msg::channel_request, "CHANNEL_REQUEST");
  if (!r) return r.error();
  std::uint32_t id = 0;
  channel_request_message m;
  if (!r->read_u32(id) || !r->read_string(m.type, limits::max_name) || !r->read_bool(m.want_reply)) {
    return malformed("CHANNEL_REQUEST", *r);
  }
  m.data = r->rest();
  return m;
}

bytes make_channel_request(std::uint32_t recipient, std::string_view type, bool want_reply, byte_view data) {
  bytes p = with_recipient(msg::channel_request, recipient);
  wire::writer w(p);
  w.write_string(type);
  w.write_bool(want_reply);
  w.write_raw(data);
  return p;
}

bytes make_channel_success(std::uint32_t recipient) { return with_recipient(msg::channel_success, recipient); }
bytes make_channel_failure(std::uint32_t recipient) { return with_recipient(msg::channel_failure, recipient); }

}  // namespace sshlib::connection
