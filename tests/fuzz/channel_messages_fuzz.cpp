// Connection-protocol messages as the dispatcher reads them: every parser must fail cleanly
// on any bytes.
#include "connection/channel_messages.hpp"

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
  return 0;
}
