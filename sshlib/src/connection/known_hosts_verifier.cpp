// make_known_hosts_verifier: known_hosts (keys layer) as client_config::host_verifier.
// It lives in the connection layer because host_key_info belongs to the client.
#include <sshlib/known_hosts.hpp>

#include <memory>
#include <string>

namespace sshlib {

std::function<void(const host_key_info&, detail::unique_function<void(bool)>)> make_known_hosts_verifier(
    known_hosts kh, std::function<void(std::string_view)> log) {
  if (log) {
    for (const auto& w : kh.warnings()) {
      log(kh.source_name() + ":" + std::to_string(w.line) + ": line skipped: " + w.reason);
    }
    if (const auto more = kh.skipped_lines() - kh.warnings().size(); more > 0) {
      log(kh.source_name() + ": " + std::to_string(more) + " more lines skipped");
    }
  }
  // std::function must be copyable; the parsed file is shared, never copied.
  auto shared = std::make_shared<const known_hosts>(std::move(kh));
  return [shared, log = std::move(log)](const host_key_info& info, detail::unique_function<void(bool)> done) {
    if (info.host.empty()) {
      if (log) log("known_hosts: rejecting " + info.fingerprint_sha256 + ": no host name (connected over a stream)");
      return done(false);
    }
    const host_key_status st = shared->check(info.host, info.port, info.host_key);
    if (log) {
      log(std::string("known_hosts: ") + (st.is_trusted() ? "accepting " : "rejecting ") + info.fingerprint_sha256 +
          " from " + info.host + " port " + std::to_string(info.port) + " (" + std::string(to_string(st.verdict)) +
          "): " + st.detail);
    }
    done(st.is_trusted());
  };
}

}  // namespace sshlib
