// User-authentication messages (RFC 4252, RFC 4256, RFC 4252 section 8 password change):
// builders for what a client sends and parsers for what it receives, and the parser of a
// USERAUTH_REQUEST for servers. Sans-IO; every length bounded.
#pragma once

#include <sshlib/bytes.hpp>
#include <sshlib/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sshlib::auth {

inline constexpr std::string_view service_userauth = "ssh-userauth";
inline constexpr std::string_view service_connection = "ssh-connection";

/// Caps on authentication fields from the wire.
namespace limits {
inline constexpr std::size_t max_username = 256;
inline constexpr std::size_t max_password = 1024;
inline constexpr std::size_t max_prompts = 16;
inline constexpr std::size_t max_prompt_text = 4096;
inline constexpr std::size_t max_banner = 64 * 1024;
inline constexpr std::size_t max_key_blob = 16 * 1024;
inline constexpr std::size_t max_signature = 16 * 1024;
}  // namespace limits

bytes service_request(std::string_view service);
bytes service_accept(std::string_view service);
/// Errors: protocol_error unless `payload` is SERVICE_ACCEPT for `service`.
result<void> parse_service_accept(byte_view payload, std::string_view service);

bytes request_none(std::string_view user);
bytes request_password(std::string_view user, byte_view password);
bytes request_password_change(std::string_view user, byte_view old_password, byte_view new_password);
/// Without a signature: the query a server answers with PK_OK (RFC 4252 section 7).
bytes request_publickey_query(std::string_view user, std::string_view algorithm, byte_view key_blob);
/// The data a publickey signature covers (RFC 4252 section 7).
bytes publickey_signed_data(byte_view session_id, std::string_view user, std::string_view algorithm,
                            byte_view key_blob);
bytes request_publickey_signed(std::string_view user, std::string_view algorithm, byte_view key_blob,
                               byte_view signature);
bytes request_keyboard_interactive(std::string_view user);
/// A hostbased request without its final signature field (RFC 4252 section 9); the
/// signature covers string(session id) followed by exactly these bytes.
bytes request_hostbased_unsigned(std::string_view user, std::string_view algorithm, byte_view host_key_blob,
                                 std::string_view client_host, std::string_view client_user);
bytes info_response(const std::vector<secret_string>& answers);

struct failure_message {
  std::vector<std::string> methods;
  bool partial_success = false;
};
result<failure_message> parse_failure(byte_view payload);

struct banner_message {
  std::string text;
  std::string language;
};
result<banner_message> parse_banner(byte_view payload);

struct pk_ok_message {
  std::string algorithm;
  bytes key_blob;
};
result<pk_ok_message> parse_pk_ok(byte_view payload);

struct info_request_message {
  std::string name, instructions, language;
  struct prompt {
    std::string text;
    bool echo = false;
  };
  std::vector<prompt> prompts;
};
result<info_request_message> parse_info_request(byte_view payload);

struct password_change_request {
  std::string prompt, language;
};
result<password_change_request> parse_password_change_request(byte_view payload);

/// A USERAUTH_REQUEST as a server reads it.
struct userauth_request {
  std::string user, service, method;
  // password
  secret_string password;
  std::optional<secret_string> new_password;
  // publickey / hostbased
  std::string algorithm;
  bytes key_blob;
  std::optional<bytes> signature;  // absent for a publickey query
  std::string client_host, client_user;  // hostbased
  // keyboard-interactive
  std::string submethods;
};
/// Errors: truncated, length_exceeds_limit, trailing_data, protocol_error.
result<userauth_request> parse_userauth_request(byte_view payload);

}  // namespace sshlib::auth
