#include "transport/kexinit.hpp"

#include "crypto/packet_algorithms.hpp"
#include "transport/message_numbers.hpp"
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <algorithm>

namespace sshlib::transport {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

bool contains(const std::vector<std::string>& v, std::string_view name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

result<std::string> choose(std::string_view what, const std::vector<std::string>& client,
                           const std::vector<std::string>& server, bool allow_none) {
  for (const auto& name : client) {
    if (is_kex_marker(name)) continue;
    if (contains(server, name)) return name;
  }
  if (allow_none) return std::string();
  return error{errc::no_common_algorithm,
               std::string(what) + ": client offers [" + join(client) + "], server offers [" + join(server) + "]"};
}

}  // namespace

bool is_kex_marker(std::string_view name) noexcept {
  return name == ext_info_client || name == ext_info_server || name == strict_kex_client ||
         name == strict_kex_server || name == "ext-info-in-auth@openssh.com";
}

result<kexinit_message> parse_kexinit(byte_view payload) {
  wire::reader r(payload);
  std::uint8_t number = 0;
  kexinit_message m;
  byte_view cookie;
  if (!r.read_byte(number)) return error{r.error(), "KEXINIT is empty"};
  if (number != msg::kexinit) return error{errc::protocol_error, "not a KEXINIT message"};
  const bool ok = r.read_raw(cookie, 16) && r.read_name_list(m.kex) && r.read_name_list(m.host_key) &&
                  r.read_name_list(m.cipher_c2s) && r.read_name_list(m.cipher_s2c) &&
                  r.read_name_list(m.mac_c2s) && r.read_name_list(m.mac_s2c) &&
                  r.read_name_list(m.compression_c2s) && r.read_name_list(m.compression_s2c) &&
                  r.read_name_list(m.language_c2s) && r.read_name_list(m.language_s2c) &&
                  r.read_bool(m.first_kex_packet_follows) && r.read_u32(m.reserved) && r.expect_end();
  if (!ok) return error{r.error(), "malformed KEXINIT at offset " + std::to_string(r.error_offset())};
  std::copy(cookie.begin(), cookie.end(), m.cookie.begin());
  return m;
}

bytes serialize_kexinit(const kexinit_message& m) {
  bytes out;
  wire::writer w(out);
  w.write_byte(msg::kexinit);
  w.write_raw(m.cookie);
  for (const auto* list : {&m.kex, &m.host_key, &m.cipher_c2s, &m.cipher_s2c, &m.mac_c2s, &m.mac_s2c,
                           &m.compression_c2s, &m.compression_s2c, &m.language_c2s, &m.language_s2c}) {
    w.write_name_list(*list);
  }
  w.write_bool(m.first_kex_packet_follows);
  w.write_u32(0);
  return out;
}

result<negotiated_algorithms> negotiate(const kexinit_message& client, const kexinit_message& server,
                                        bool we_are_client) {
  negotiated_algorithms n;
  auto pick = [&](std::string& out, std::string_view what, const std::vector<std::string>& c,
                  const std::vector<std::string>& s, bool allow_none = false) -> result<void> {
    auto r = choose(what, c, s, allow_none);
    if (!r) return r.error();
    out = std::move(*r);
    return {};
  };
  if (auto r = pick(n.kex, "key exchange", client.kex, server.kex); !r) return r.error();
  if (auto r = pick(n.host_key, "host key", client.host_key, server.host_key); !r) return r.error();
  if (auto r = pick(n.c2s.cipher, "cipher client to server", client.cipher_c2s, server.cipher_c2s); !r) return r.error();
  if (auto r = pick(n.s2c.cipher, "cipher server to client", client.cipher_s2c, server.cipher_s2c); !r) return r.error();
  // An AEAD cipher has no separate MAC: the MAC lists are not negotiated for that direction
  // (OpenSSH PROTOCOL sections 1.6 and 1.7).
  auto is_aead = [](const std::string& cipher) {
    const auto* spec = crypto::find_cipher_spec(cipher);
    return spec != nullptr && spec->tag_length != 0;
  };
  if (!is_aead(n.c2s.cipher)) {
    if (auto r = pick(n.c2s.mac, "MAC client to server", client.mac_c2s, server.mac_c2s); !r) return r.error();
  }
  if (!is_aead(n.s2c.cipher)) {
    if (auto r = pick(n.s2c.mac, "MAC server to client", client.mac_s2c, server.mac_s2c); !r) return r.error();
  }
  if (auto r = pick(n.c2s.compression, "compression client to server", client.compression_c2s, server.compression_c2s); !r) return r.error();
  if (auto r = pick(n.s2c.compression, "compression server to client", client.compression_s2c, server.compression_s2c); !r) return r.error();
  // Languages: an empty result is fine (RFC 4253 section 7.1).
  (void)pick(n.c2s.language, "language", client.language_c2s, server.language_c2s, true);
  (void)pick(n.s2c.language, "language", client.language_s2c, server.language_s2c, true);
  n.strict_kex = contains(client.kex, strict_kex_client) && contains(server.kex, strict_kex_server);
  n.peer_wants_ext_info = we_are_client ? contains(server.kex, ext_info_server) : contains(client.kex, ext_info_client);
  return n;
}

bool guess_was_right(const kexinit_message& client, const kexinit_message& server,
                     const negotiated_algorithms& n) noexcept {
  if (client.kex.empty() || server.kex.empty() || client.host_key.empty() || server.host_key.empty()) return false;
  return client.kex.front() == n.kex && server.kex.front() == n.kex && client.host_key.front() == n.host_key &&
         server.host_key.front() == n.host_key;
}

}  // namespace sshlib::transport
