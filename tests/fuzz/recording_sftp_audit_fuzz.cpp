// Both directions of a relayed SFTP session through bastion::recording::sftp_audit. The input
// is a list of records, each a header byte (top bit: 0 client, 1 server; low 7 bits: length)
// and that many bytes, so the fuzzer chooses the interleaving and the chunk boundaries.
// Nothing may crash or hang; every event's fields must serialise as strict UTF-8 JSON; once
// the audit has stopped, nothing more may be emitted.
#include "bastion/recording/sftp_audit.hpp"

#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bool stopped_seen = false;
  bastion::recording::sftp_audit audit([&](std::string_view op, nlohmann::json fields) {
    if (stopped_seen) std::abort();
    if (op == "audit_stopped") stopped_seen = true;
    (void)fields.dump();  // throws (and so fails) on a string that is not UTF-8
  });
  std::span<const std::uint8_t> in(data, size);
  while (!in.empty()) {
    const std::uint8_t header = in.front();
    in = in.subspan(1);
    const std::size_t n = std::min<std::size_t>(header & 0x7f, in.size());
    if (header & 0x80) {
      audit.from_server(in.first(n));
    } else {
      audit.from_client(in.first(n));
    }
    in = in.subspan(n);
  }
  audit.end();
  if (audit.stopped() != stopped_seen) std::abort();
  return 0;
}
