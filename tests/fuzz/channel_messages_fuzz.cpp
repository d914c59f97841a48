// Connection-protocol messages as the dispatcher reads them: every parser must fail cleanly
// on any bytes.
#include "connection/channel_messages.hpp"
#include "connection/hostkeys.hpp"

#include <sshlib/key.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib::connection;
  const sshlib::byte_view in(data, size);
  (void)parse_global_request(in);
  (void)parse_channel_open(in);
  (void)parse_open_confirmation(in);
  (void)parse_open_failure(in);
  (void)recipient_channel(in);
  (void)parse_window_adjust(in);
  (void)parse_data(in, limits::default_max_packet);
  (void)parse_channel_request(in);
  // Forwarding: request bodies and the type-specific data of every open type we decode.
  (void)parse_tcpip_forward(in);
  (void)parse_streamlocal_forward(in);
  for (const char* type : {"direct-tcpip", "forwarded-tcpip", "x11", "direct-streamlocal@openssh.com",
                           "forwarded-streamlocal@openssh.com", "session"}) {
    sshlib::incoming_channel fields;
    (void)decode_open_fields(type, in, fields);
  }
  // Host key rotation bodies: an announcement, a proof request to a server, a proof reply.
  (void)parse_hostkeys_announcement(in);
  static const std::vector<sshlib::key> held{sshlib::generate_key(sshlib::key_type::ed25519).value()};
  static const sshlib::bytes session_id(32, 7);
  (void)prove_hostkeys(in, held, session_id, "rsa-sha2-512");
  (void)verify_hostkeys_proof(in, held, session_id);
  return 0;
}
