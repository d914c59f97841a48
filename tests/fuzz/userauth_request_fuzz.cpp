// USERAUTH_REQUEST parsing as a server sees it, and the client-side reply parsers.
#include "auth/userauth_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  const byte_view in(data, size);
  (void)auth::parse_userauth_request(in);
  (void)auth::parse_failure(in);
  (void)auth::parse_banner(in);
  (void)auth::parse_pk_ok(in);
  (void)auth::parse_info_request(in);
  (void)auth::parse_password_change_request(in);
  return 0;
}
