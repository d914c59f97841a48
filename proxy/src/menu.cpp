// A session that named no target ("ssh alice@bastion"): the bastion answers with the
// targets this user may reach from here and the commands that reach them, then ends the
// session. pty-req and env are accepted (ssh sends them by habit); shell and exec both get
// the list; anything else is refused.
#include "inbound_connection.hpp"

#include <boost/asio/write.hpp>

namespace bastion {
namespace asio = boost::asio;

namespace {

std::string menu_text(const inbound_connection& conn) {
  const auto& p = *conn.config().policy;
  const auto terminating = policy::reachable_targets(p, conn.user(), conn.source_address(),
                                                     policy::access_mode::terminating);
  const auto hop =
      policy::reachable_targets(p, conn.user(), conn.source_address(), policy::access_mode::hop);
  std::string out = "bastion: hello " + conn.user() + ".\r\n";
  if (terminating.empty() && hop.empty())
    return out + "No target is open to you from " + conn.source_address() + ".\r\n";
  if (!hop.empty()) {
    out += "Through the bastion (ssh -J " + conn.user() + "@<bastion> <target>):\r\n";
    for (const auto& t : hop) out += "  " + t.name + "\r\n";
  }
  if (!terminating.empty()) {
    out += "Via the bastion (ssh " + conn.user() + "+<target>@<bastion>, or ssh -l " + conn.user() +
           "+<login>@<target> <bastion>):\r\n";
    for (const auto& t : terminating) {
      out += "  " + t.name;
      if (!t.logins.empty()) {
        out += "  as ";
        for (std::size_t i = 0; i < t.logins.size(); ++i) out += (i ? ", " : "") + t.logins[i];
      }
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace

void serve_menu(std::shared_ptr<inbound_connection> conn, sshlib::channel ch) {
  ch.on_request([conn, ch](sshlib::channel_request r) mutable {
    const auto& type = r.type();
    if (type == "pty-req" || type == "env" || type == "window-change") return r.accept();
    if (type != "shell" && type != "exec") return r.reject();
    r.accept();
    conn->log("menu", {{"request", type}});
    auto text = std::make_shared<std::string>(menu_text(*conn));
    asio::async_write(ch, asio::buffer(*text),
                      [ch, text](boost::system::error_code, std::size_t) mutable {
                        ch.exit(0);
                        ch.send_eof();
                        ch.close();
                      });
  });
}

}  // namespace bastion
