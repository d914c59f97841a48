// SSH message numbers (RFC 4250 section 4.1, RFC 4253, RFC 4419, RFC 5656, RFC 8308, OpenSSH
// PROTOCOL), and the ranges RFC 4253 section 7 and RFC 4251 section 7 assign to each layer.
#pragma once

#include <cstdint>

namespace sshlib::transport::msg {

inline constexpr std::uint8_t disconnect = 1;
inline constexpr std::uint8_t ignore = 2;
inline constexpr std::uint8_t unimplemented = 3;
inline constexpr std::uint8_t debug = 4;
inline constexpr std::uint8_t service_request = 5;
inline constexpr std::uint8_t service_accept = 6;
inline constexpr std::uint8_t ext_info = 7;        // RFC 8308
inline constexpr std::uint8_t kexinit = 20;
inline constexpr std::uint8_t newkeys = 21;
// 30-49: method specific. ECDH (RFC 5656) and fixed-group DH (RFC 4253 section 8) share 30/31.
inline constexpr std::uint8_t kex_ecdh_init = 30;
inline constexpr std::uint8_t kex_ecdh_reply = 31;
// Group exchange (RFC 4419 section 5).
inline constexpr std::uint8_t kex_dh_gex_request_old = 30;
inline constexpr std::uint8_t kex_dh_gex_group = 31;
inline constexpr std::uint8_t kex_dh_gex_init = 32;
inline constexpr std::uint8_t kex_dh_gex_reply = 33;
inline constexpr std::uint8_t kex_dh_gex_request = 34;
// User authentication (RFC 4252, RFC 4256).
inline constexpr std::uint8_t userauth_request = 50;
inline constexpr std::uint8_t userauth_failure = 51;
inline constexpr std::uint8_t userauth_success = 52;
inline constexpr std::uint8_t userauth_banner = 53;
inline constexpr std::uint8_t userauth_info_request = 60;  // also PK_OK and PASSWD_CHANGEREQ
inline constexpr std::uint8_t userauth_info_response = 61;
// Connection protocol (RFC 4254).
inline constexpr std::uint8_t global_request = 80;
inline constexpr std::uint8_t request_success = 81;
inline constexpr std::uint8_t request_failure = 82;
inline constexpr std::uint8_t channel_open = 90;
inline constexpr std::uint8_t channel_failure = 100;
// OpenSSH PROTOCOL section 1.9: ping@openssh.com.
inline constexpr std::uint8_t ping = 192;
inline constexpr std::uint8_t pong = 193;

/// RFC 4253 section 7/12: 1-19 transport generic, 20-29 algorithm negotiation, 30-49 kex.
constexpr bool is_transport(std::uint8_t n) noexcept { return n >= 1 && n <= 49; }
constexpr bool is_kex_method(std::uint8_t n) noexcept { return n >= 30 && n <= 49; }

}  // namespace sshlib::transport::msg

namespace sshlib::transport {

/// Disconnect reason codes (RFC 4253 section 11.1 / RFC 4250 section 4.2.2).
enum class disconnect_reason : std::uint32_t {
  host_not_allowed_to_connect = 1,
  protocol_error = 2,
  key_exchange_failed = 3,
  reserved = 4,
  mac_error = 5,
  compression_error = 6,
  service_not_available = 7,
  protocol_version_not_supported = 8,
  host_key_not_verifiable = 9,
  connection_lost = 10,
  by_application = 11,
  too_many_connections = 12,
  auth_cancelled_by_user = 13,
  no_more_auth_methods_available = 14,
  illegal_user_name = 15,
};

}  // namespace sshlib::transport
