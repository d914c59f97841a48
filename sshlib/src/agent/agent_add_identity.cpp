// SSH_AGENTC_ADD_IDENTITY and SSH_AGENTC_ADD_ID_CONSTRAINED (draft-miller-ssh-agent
// section 4.2): string key type, the type's private fields in openssh-portable PROTOCOL.key
// order (the keys layer reads and writes them: one layout for key files and the agent),
// string comment, then for the constrained form a list of constraints (section 4.2.6).
#include "agent/agent_message.hpp"

#include "keys/key_impl.hpp"
#include "keys/private_fields.hpp"
#include "keys/wire_errors.hpp"

namespace sshlib::agent_protocol {
namespace {

error add_error(const wire::reader& r, std::string_view what) {
  return keys::read_failure(r, "agent add identity: " + std::string(what), errc::agent_protocol_error);
}

// The draft requires refusing a key whose constraints we do not understand: accepting it
// would drop a restriction its owner asked for. Each known constraint may appear once and
// anything else ends the loop with an error, so the loop runs at most three times.
result<key_constraints> read_constraints(wire::reader& r) {
  key_constraints c;
  while (r.remaining() > 0) {
    std::uint8_t id = 0;
    if (!r.read_byte(id)) return add_error(r, "constraint");
    switch (static_cast<constraint_type>(id)) {
      case constraint_type::lifetime: {
        std::uint32_t seconds = 0;
        if (!r.read_u32(seconds)) return add_error(r, "lifetime constraint");
        if (c.lifetime_seconds) return error{errc::invalid_value, "agent add identity: lifetime given twice"};
        c.lifetime_seconds = seconds;
        break;
      }
      case constraint_type::confirm:
        if (c.confirm) return error{errc::invalid_value, "agent add identity: confirm given twice"};
        c.confirm = true;
        break;
      case constraint_type::extension: {
        std::string_view name;
        if (!r.read_string(name, limits::max_extension_name)) return add_error(r, "constraint extension name");
        return error{errc::agent_refused, "agent add identity: constraint extension \"" + std::string(name) + "\""};
      }
      default:
        return error{errc::agent_refused, "agent add identity: constraint " + std::to_string(id)};
    }
  }
  return c;
}

}  // namespace

result<request> decode_add_identity(wire::reader& r, bool constrained) {
  std::string_view type;
  if (!r.read_string(type, keys::limits::max_name_length)) return add_error(r, "key type");
  auto impl = keys::read_private_fields(type, r);
  if (!impl) return std::move(impl).error();
  if (!r.read_string(impl->comment, limits::max_comment)) return add_error(r, "comment");
  add_identity_request req{keys::make_key(std::move(*impl)), {}};
  if (constrained) {
    auto c = read_constraints(r);
    if (!c) return std::move(c).error();
    req.constraints = *c;
  } else if (!r.expect_end()) {
    return add_error(r, "bytes after the comment");
  }
  return request{std::move(req)};
}

result<secure_bytes> encode_add_identity(const key& private_key, std::string_view comment,
                                         const key_constraints& constraints) {
  if (!private_key.is_private()) return error{errc::not_a_private_key, "adding a key to an agent"};
  message_builder<secure_bytes> m(constraints.empty() ? message_type::add_identity
                                                      : message_type::add_id_constrained);
  keys::write_private_fields(m.writer(), private_key.impl());
  m.writer().write_string(comment);
  if (constraints.lifetime_seconds) {
    m.writer().write_byte(static_cast<std::uint8_t>(constraint_type::lifetime));
    m.writer().write_u32(*constraints.lifetime_seconds);
  }
  if (constraints.confirm) m.writer().write_byte(static_cast<std::uint8_t>(constraint_type::confirm));
  return std::move(m).finish();
}

}  // namespace sshlib::agent_protocol
