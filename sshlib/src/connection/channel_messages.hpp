// Connection-protocol messages (RFC 4254 sections 4-7, OpenSSH PROTOCOL sections 2.x):
// builders for everything we send and one parser per message we receive. Sans-IO; every
// length bounded.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/channel.hpp>
#include <sshlib/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sshlib::connection {

namespace msg {
inline constexpr std::uint8_t global_request = 80;
inline constexpr std::uint8_t request_success = 81;
inline constexpr std::uint8_t request_failure = 82;
inline constexpr std::uint8_t channel_open = 90;
inline constexpr std::uint8_t channel_open_confirmation = 91;
inline constexpr std::uint8_t channel_open_failure = 92;
inline constexpr std::uint8_t channel_window_adjust = 93;
inline constexpr std::uint8_t channel_data = 94;
inline constexpr std::uint8_t channel_extended_data = 95;
inline constexpr std::uint8_t channel_eof = 96;
inline constexpr std::uint8_t channel_close = 97;
inline constexpr std::uint8_t channel_request = 98;
inline constexpr std::uint8_t channel_success = 99;
inline constexpr std::uint8_t channel_failure = 100;
}  // namespace msg

/// RFC 4254 section 5.1 reason codes.
enum class open_failure_reason : std::uint32_t {
  administratively_prohibited = 1,
  connect_failed = 2,
  unknown_channel_type = 3,
  resource_shortage = 4,
};

namespace limits {
/// Our receive window per channel and the largest data packet we accept (OpenSSH's values).
inline constexpr std::uint32_t default_window = 2 * 1024 * 1024;
inline constexpr std::uint32_t default_max_packet = 32 * 1024;
/// Requests of one channel waiting for the application's answer.
inline constexpr std::size_t max_pending_channel_requests = 64;
/// Open channels per connection.
inline constexpr std::size_t max_channels = 1024;
/// Names of channel types and requests.
inline constexpr std::size_t max_name = 64;
/// Type-specific data of an open or a request (commands, environment values, ...).
inline constexpr std::size_t max_request_data = 256 * 1024;
}  // namespace limits

struct global_request_message {
  std::string name;
  bool want_reply = false;
  byte_view data;  // type-specific, a view into the payload
};
result<global_request_message> parse_global_request(byte_view payload);
bytes make_global_request(std::string_view name, bool want_reply, byte_view data = {});
bytes make_request_success(byte_view data = {});
bytes make_request_failure();

struct channel_open_message {
  std::string type;
  std::uint32_t sender_channel = 0, initial_window = 0, max_packet = 0;
  byte_view data;  // type-specific
};
result<channel_open_message> parse_channel_open(byte_view payload);
bytes make_channel_open(std::string_view type, std::uint32_t sender, std::uint32_t window, std::uint32_t max_packet,
                        byte_view data = {});

struct open_confirmation_message {
  std::uint32_t recipient = 0, sender = 0, initial_window = 0, max_packet = 0;
};
result<open_confirmation_message> parse_open_confirmation(byte_view payload);
bytes make_open_confirmation(std::uint32_t recipient, std::uint32_t sender, std::uint32_t window,
                             std::uint32_t max_packet);

struct open_failure_message {
  std::uint32_t recipient = 0, reason = 0;
  std::string description;
};
result<open_failure_message> parse_open_failure(byte_view payload);
bytes make_open_failure(std::uint32_t recipient, open_failure_reason reason, std::string_view description);

/// The recipient channel every 93-100 message starts with. Errors: truncated.
result<std::uint32_t> recipient_channel(byte_view payload);

result<std::uint32_t> parse_window_adjust(byte_view payload);  // bytes to add
bytes make_window_adjust(std::uint32_t recipient, std::uint32_t bytes_to_add);

struct data_message {
  std::uint32_t data_type = 0;  // 0 for CHANNEL_DATA, else the extended type (1 = stderr)
  byte_view data;
};
/// CHANNEL_DATA or CHANNEL_EXTENDED_DATA; `max_len` is our max packet size.
result<data_message> parse_data(byte_view payload, std::size_t max_len);
/// Appends a CHANNEL_DATA (data_type 0) or CHANNEL_EXTENDED_DATA message to `out`.
void make_data(bytes& out, std::uint32_t recipient, std::uint32_t data_type, byte_view data);

bytes make_eof(std::uint32_t recipient);
bytes make_close(std::uint32_t recipient);

struct channel_request_message {
  std::string type;
  bool want_reply = false;
  byte_view data;
};
result<channel_request_message> parse_channel_request(byte_view payload);
bytes make_channel_request(std::uint32_t recipient, std::string_view type, bool want_reply, byte_view data = {});
bytes make_channel_success(std::uint32_t recipient);
bytes make_channel_failure(std::uint32_t recipient);

}  // namespace sshlib::connection

namespace sshlib::connection {

// Forwarding (RFC 4254 sections 6.3, 7; OpenSSH PROTOCOL 2.4).

/// tcpip-forward / cancel-tcpip-forward: address and port.
struct tcpip_forward_request {
  std::string address;
  std::uint32_t port = 0;
};
result<tcpip_forward_request> parse_tcpip_forward(byte_view data);
bytes make_tcpip_forward(std::string_view address, std::uint32_t port);
/// streamlocal-forward@openssh.com / its cancel: the socket path.
result<std::string> parse_streamlocal_forward(byte_view data);
bytes make_streamlocal_forward(std::string_view path);

/// direct-tcpip and forwarded-tcpip open data: host, port, origin host, origin port.
bytes make_tcpip_open(std::string_view host, std::uint32_t port, std::string_view origin_host, std::uint32_t origin_port);
/// x11 open data: origin host and port.
bytes make_x11_open(std::string_view origin_host, std::uint32_t origin_port);
/// direct-streamlocal@openssh.com (path, reserved string, reserved uint32) and
/// forwarded-streamlocal@openssh.com (path, reserved string).
bytes make_direct_streamlocal_open(std::string_view path);
bytes make_forwarded_streamlocal_open(std::string_view path);

/// Fills incoming_channel's decoded fields for the channel types that have them; false
/// when such data does not decode (other types: true, nothing filled).
bool decode_open_fields(std::string_view type, byte_view data, incoming_channel& out);

}  // namespace sshlib::connection
