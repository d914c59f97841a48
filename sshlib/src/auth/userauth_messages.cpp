#include "auth/userauth_messages.hpp"

#include "transport/message_numbers.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

namespace sshlib::auth {
namespace {

namespace msg = transport::msg;

error malformed(std::string_view what, const wire::reader& r) {
  return {r.error() ? r.error() : make_error_code(errc::protocol_error),
          "malformed " + std::string(what) + " at offset " + std::to_string(r.error_offset())};
}

bytes start_request(std::string_view user, std::string_view method) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_request);
  w.write_string(user);
  w.write_string(service_connection);
  w.write_string(method);
  return p;
}

result<wire::reader> open(byte_view payload, std::uint8_t number, std::string_view what) {
  if (payload.empty() || payload[0] != number) return error{errc::protocol_error, "expected " + std::string(what)};
  return wire::reader(payload.subspan(1));
}

}  // namespace

bytes service_request(std::string_view service) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::service_request);
  w.write_string(service);
  return p;
}

bytes service_accept(std::string_view service) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::service_accept);
  w.write_string(service);
  return p;
}

result<void> parse_service_accept(byte_view payload, std::string_view service) {
  auto r = open(payload, msg::service_accept, "SERVICE_ACCEPT");
  if (!r) return r.error();
  std::string_view name;
  if (!r->read_string(name, 64) || !r->expect_end()) return malformed("SERVICE_ACCEPT", *r);
  if (name != service) return error{errc::protocol_error, "server accepted service " + std::string(name)};
  return {};
}

bytes request_none(std::string_view user) { return start_request(user, "none"); }

bytes request_password(std::string_view user, byte_view password) {
  bytes p = start_request(user, "password");
  wire::writer w(p);
  w.write_bool(false);
  w.write_string(password);
  return p;
}

bytes request_password_change(std::string_view user, byte_view old_password, byte_view new_password) {
  bytes p = start_request(user, "password");
  wire::writer w(p);
  w.write_bool(true);
  w.write_string(old_password);
  w.write_string(new_password);
  return p;
}

bytes request_publickey_query(std::string_view user, std::string_view algorithm, byte_view key_blob) {
  bytes p = start_request(user, "publickey");
  wire::writer w(p);
  w.write_bool(false);
  w.write_string(algorithm);
  w.write_string(key_blob);
  return p;
}

bytes publickey_signed_data(byte_view session_id, std::string_view user, std::string_view algorithm,
                            byte_view key_blob) {
  bytes p;
  wire::writer w(p);
  w.write_string(session_id);
  w.write_byte(msg::userauth_request);
  w.write_string(user);
  w.write_string(service_connection);
  w.write_string(std::string_view("publickey"));
  w.write_bool(true);
  w.write_string(algorithm);
  w.write_string(key_blob);
  return p;
}

bytes request_publickey_signed(std::string_view user, std::string_view algorithm, byte_view key_blob,
                               byte_view signature) {
  bytes p = start_request(user, "publickey");
  wire::writer w(p);
  w.write_bool(true);
  w.write_string(algorithm);
  w.write_string(key_blob);
  w.write_string(signature);
  return p;
}

bytes request_hostbased_unsigned(std::string_view user, std::string_view algorithm, byte_view host_key_blob,
                                 std::string_view client_host, std::string_view client_user) {
  bytes p = start_request(user, "hostbased");
  wire::writer w(p);
  w.write_string(algorithm);
  w.write_string(host_key_blob);
  w.write_string(client_host);
  w.write_string(client_user);
  return p;
}

bytes request_keyboard_interactive(std::string_view user) {
  bytes p = start_request(user, "keyboard-interactive");
  wire::writer w(p);
  w.write_string(std::string_view{});  // language tag (deprecated)
  w.write_string(std::string_view{});  // submethods
  return p;
}

bytes info_response(const std::vector<secret_string>& answers) {
  bytes p;
  wire::writer w(p);
  w.write_byte(msg::userauth_info_response);
  w.write_u32(static_cast<std::uint32_t>(answers.size()));
  for (const auto& a : answers) w.write_string(a.as_bytes());
  return p;
}

result<failure_message> parse_failure(byte_view payload) {
  auto r = open(payload, msg::userauth_failure, "USERAUTH_FAILURE");
  if (!r) return r.error();
  failure_message m;
  if (!r->read_name_list(m.methods) || !r->read_bool(m.partial_success) || !r->expect_end()) {
    return malformed("USERAUTH_FAILURE", *r);
  }
  return m;
}

result<banner_message> parse_banner(byte_view payload) {
  auto r = open(payload, msg::userauth_banner, "USERAUTH_BANNER");
  if (!r) return r.error();
  banner_message m;
  if (!r->read_string(m.text, limits::max_banner) || !r->read_string(m.language, 256) || !r->expect_end()) {
    return malformed("USERAUTH_BANNER", *r);
  }
  return m;
}

result<pk_ok_message> parse_pk_ok(byte_view payload) {
  auto r = open(payload, msg::userauth_info_request, "USERAUTH_PK_OK");
  if (!r) return r.error();
  pk_ok_message m;
  if (!r->read_string(m.algorithm, 128) || !r->read_string(m.key_blob, limits::max_key_blob) || !r->expect_end()) {
    return malformed("USERAUTH_PK_OK", *r);
  }
  return m;
}

result<info_request_message> parse_info_request(byte_view payload) {
  auto r = open(payload, msg::userauth_info_request, "USERAUTH_INFO_REQUEST");
  if (!r) return r.error();
  info_request_message m;
  std::uint32_t count = 0;
  if (!r->read_string(m.name, limits::max_prompt_text) || !r->read_string(m.instructions, limits::max_prompt_text) ||
      !r->read_string(m.language, 256) || !r->read_u32(count)) {
    return malformed("USERAUTH_INFO_REQUEST", *r);
  }
  if (count > limits::max_prompts) {
    return error{errc::length_exceeds_limit, "USERAUTH_INFO_REQUEST with " + std::to_string(count) + " prompts"};
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    info_request_message::prompt p;
    if (!r->read_string(p.text, limits::max_prompt_text) || !r->read_bool(p.echo)) {
      return malformed("USERAUTH_INFO_REQUEST", *r);
    }
    m.prompts.push_back(std::move(p));
  }
  if (!r->expect_end()) return malformed("USERAUTH_INFO_REQUEST", *r);
  return m;
}

result<password_change_request> parse_password_change_request(byte_view payload) {
  auto r = open(payload, msg::userauth_info_request, "USERAUTH_PASSWD_CHANGEREQ");
  if (!r) return r.error();
  password_change_request m;
  if (!r->read_string(m.prompt, limits::max_prompt_text) || !r->read_string(m.language, 256) || !r->expect_end()) {
    return malformed("USERAUTH_PASSWD_CHANGEREQ", *r);
  }
  return m;
}

result<userauth_request> parse_userauth_request(byte_view payload) {
  auto r = open(payload, msg::userauth_request, "USERAUTH_REQUEST");
  if (!r) return r.error();
  userauth_request m;
  if (!r->read_string(m.user, limits::max_username) || !r->read_string(m.service, 64) ||
      !r->read_string(m.method, 64)) {
    return malformed("USERAUTH_REQUEST", *r);
  }
  if (m.method == "none") {
    // nothing more
  } else if (m.method == "password") {
    bool change = false;
    byte_view pw, new_pw;
    if (!r->read_bool(change) || !r->read_string(pw, limits::max_password)) return malformed("password request", *r);
    m.password = secret_string(as_string_view(pw));
    if (change) {
      if (!r->read_string(new_pw, limits::max_password)) return malformed("password change request", *r);
      m.new_password = secret_string(as_string_view(new_pw));
    }
  } else if (m.method == "publickey") {
    bool has_signature = false;
    if (!r->read_bool(has_signature) || !r->read_string(m.algorithm, 128) ||
        !r->read_string(m.key_blob, limits::max_key_blob)) {
      return malformed("publickey request", *r);
    }
    if (has_signature) {
      bytes sig;
      if (!r->read_string(sig, limits::max_signature)) return malformed("publickey request", *r);
      m.signature = std::move(sig);
    }
  } else if (m.method == "hostbased") {
    bytes sig;
    if (!r->read_string(m.algorithm, 128) || !r->read_string(m.key_blob, limits::max_key_blob) ||
        !r->read_string(m.client_host, 256) || !r->read_string(m.client_user, limits::max_username) ||
        !r->read_string(sig, limits::max_signature)) {
      return malformed("hostbased request", *r);
    }
    m.signature = std::move(sig);
  } else if (m.method == "keyboard-interactive") {
    std::string language;
    if (!r->read_string(language, 256) || !r->read_string(m.submethods, 1024)) {
      return malformed("keyboard-interactive request", *r);
    }
  } else {
    // Unknown methods carry method-specific fields we do not read: the server answers FAILURE.
    return m;
  }
  if (!r->expect_end()) return malformed("USERAUTH_REQUEST", *r);
  return m;
}

}  // namespace sshlib::auth
