// Agent replies as our client reads them: framing and every answer parser.
#include "agent/agent_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  const byte_view in(data, size);
  (void)agent_proto::frame_length(in);
  (void)agent_proto::parse_identities_answer(in);
  (void)agent_proto::parse_sign_response(in);
  (void)agent_proto::parse_success(in);
  return 0;
}
