// Terminating mode's forwards. The user's connection ends at the bastion, so each forward
// is made again on the upstream connection and the two channels relayed:
//  - ssh -L/-D/-W: the user's direct-tcpip becomes a direct-tcpip from the target to the
//    same host:port, when the grant's local_forwards allow that destination;
//  - ssh -R: the user's tcpip-forward is asked of the target, when the grant's
//    remote_forwards allow the listen port; the target's forwarded-tcpip channels come back
//    here and go on to the user as forwarded-tcpip channels for the same forward;
//  - agent and X11: a session's auth-agent-req or x11-req, once allowed, goes to the target
//    (session_bridge.cpp); the target's agent and x11 channels then come back here and go
//    on to the user's agent or X display.
// Every denial is logged with its reason and reaches the user as the open failure's text
// or a refused global request (which OpenSSH's ssh reports as a failed forward).
#include "inbound_connection.hpp"
#include "upstream.hpp"

namespace bastion {
using boost::system::error_code;

namespace {

std::string endpoint_text(const std::string& host, std::uint32_t port) {
  return host + ":" + std::to_string(port);
}

// The channel's open failure text, or the error's message.
std::string open_failure_text(const sshlib::channel& ch, error_code ec) {
  return ch.open_failure() ? ch.open_failure()->description : ec.message();
}

}  // namespace

void start_terminating_local_forward(std::shared_ptr<inbound_connection> conn,
                                     sshlib::incoming_channel c, policy::grant g) {
  const auto destination = endpoint_text(c.host, c.port);
  if (c.port == 0 || c.port > 65535) {
    return c.reject(sshlib::channel_open_failure::connect_failed,
                    "port " + std::to_string(c.port) + " is not valid");
  }
  auto d = policy::allow_local_forward(g, c.host, static_cast<std::uint16_t>(c.port));
  if (!d.allowed) {
    conn->log("channel_denied", {{"type", c.type},
                                 {"mode", "terminating"},
                                 {"target", g.destination.name},
                                 {"destination", destination},
                                 {"reason", d.reason}});
    return c.reject(sshlib::channel_open_failure::administratively_prohibited, d.reason);
  }
  auto up = conn->upstream_for(g);
  auto held = std::make_shared<sshlib::incoming_channel>(std::move(c));
  up->async_ready([conn, up, held, g, destination](const std::string& error) {
    if (!error.empty()) return held->reject(sshlib::channel_open_failure::connect_failed, error);
    up->client().async_forward_out(
        held->origin_host, static_cast<std::uint16_t>(held->origin_port), held->host,
        static_cast<std::uint16_t>(held->port),
        [conn, held, g, destination](error_code ec, sshlib::channel ch) {
          if (ec) {
            const auto why = g.destination.name + " could not connect to " + destination + ": " +
                             open_failure_text(ch, ec);
            conn->log("upstream_failed", {{"mode", "terminating"},
                                          {"target", g.destination.name},
                                          {"destination", destination},
                                          {"reason", why}});
            return held->reject(sshlib::channel_open_failure::connect_failed, why);
          }
          if (!conn->client_connection()) return ch.close();  // the user went away meanwhile
          start_relay(conn, sshlib::make_byte_stream(held->accept()),
                      sshlib::make_byte_stream(std::move(ch)),
                      {{"type", "direct-tcpip"},
                       {"mode", "terminating"},
                       {"target", g.destination.name},
                       {"rule", g.rule},
                       {"destination", destination},
                       {"origin", endpoint_text(held->origin_host, held->origin_port)}});
        });
  });
}

namespace {

void deny_global(inbound_connection& conn, sshlib::global_request& r, const std::string& target,
                 const std::string& reason) {
  conn.log("request_denied", {{"request", r.name()},
                              {"mode", "terminating"},
                              {"target", target},
                              {"listen", endpoint_text(r.bind_address(), r.bind_port())},
                              {"reason", reason}});
  r.reject();
}

void remote_forward(std::shared_ptr<inbound_connection> conn,
                    std::shared_ptr<sshlib::global_request> r, policy::grant g) {
  auto up = conn->upstream_for(g);
  up->async_ready([conn, up, r, g](const std::string& error) {
    if (!error.empty()) return deny_global(*conn, *r, g.destination.name, error);
    up->client().async_forward_in(
        r->bind_address(), r->bind_port(), [conn, r, g](error_code ec, std::uint32_t bound) {
          if (ec) {
            return deny_global(*conn, *r, g.destination.name,
                               g.destination.name + " refused to listen: " + ec.message());
          }
          conn->log("remote_forward", {{"target", g.destination.name},
                                       {"rule", g.rule},
                                       {"listen", endpoint_text(r->bind_address(), bound)}});
          // Port 0 asked: the port the target bound is the user's answer too, and its
          // forwarded-tcpip channels will name it.
          if (r->bind_port() == 0) return r->accept(bound);
          r->accept();
        });
  });
}

void cancel_remote_forward(std::shared_ptr<inbound_connection> conn,
                           std::shared_ptr<sshlib::global_request> r, policy::grant g) {
  auto up = conn->upstream_for(g);
  up->async_ready([conn, up, r, g](const std::string& error) {
    if (!error.empty()) return r->reject();
    up->client().async_unforward_in(r->bind_address(), r->bind_port(), [conn, r, g](error_code ec) {
      if (ec) return r->reject();
      conn->log("remote_forward_cancel",
                {{"target", g.destination.name},
                 {"listen", endpoint_text(r->bind_address(), r->bind_port())}});
      r->accept();
    });
  });
}

}  // namespace

void handle_terminating_global_request(std::shared_ptr<inbound_connection> conn,
                                       sshlib::global_request r, policy::grant g) {
  if (r.name() == "tcpip-forward") {
    if (r.bind_port() > 65535) {
      return deny_global(*conn, r, g.destination.name, "port is not valid");
    }
    auto d = policy::allow_remote_forward(g, r.bind_address(),
                                          static_cast<std::uint16_t>(r.bind_port()));
    if (!d.allowed) return deny_global(*conn, r, g.destination.name, d.reason);
    return remote_forward(std::move(conn), std::make_shared<sshlib::global_request>(std::move(r)),
                          std::move(g));
  }
  if (r.name() == "cancel-tcpip-forward") {
    return cancel_remote_forward(
        std::move(conn), std::make_shared<sshlib::global_request>(std::move(r)), std::move(g));
  }
  if (r.name() == "streamlocal-forward@openssh.com") {
    return deny_global(*conn, r, g.destination.name,
                       "UNIX-socket remote forwards are not relayed by this bastion");
  }
  // keepalive@openssh.com and other requests the bastion has no use for: refused, which
  // is the answer OpenSSH's client expects for its keepalives.
  r.reject();
}

void on_upstream_channel(const std::weak_ptr<inbound_connection>& weak,
                         sshlib::incoming_channel c) {
  auto conn = weak.lock();
  if (!conn || !conn->client_connection()) {
    return c.reject(sshlib::channel_open_failure::connect_failed, "the user has gone");
  }
  auto held = std::make_shared<sshlib::incoming_channel>(std::move(c));
  // The user's side opened; the target's channel is confirmed only then, so a refusal by
  // the user's client reaches the target as an open failure.
  auto relay_to_user = [conn, held](nlohmann::json fields) {
    return [conn, held, fields = std::move(fields)](error_code ec, sshlib::channel ch) mutable {
      if (ec) {
        const auto why = "the user's client refused it: " + open_failure_text(ch, ec);
        fields["reason"] = why;
        conn->log("channel_denied", std::move(fields));
        return held->reject(sshlib::channel_open_failure::connect_failed, why);
      }
      start_relay(conn, sshlib::make_byte_stream(std::move(ch)),
                  sshlib::make_byte_stream(held->accept()), std::move(fields));
    };
  };
  const auto& type = held->type;
  auto& user = *conn->client_connection();
  nlohmann::json fields = {{"type", type}, {"mode", "terminating"}, {"direction", "from target"}};
  if (type == "forwarded-tcpip") {
    fields["listen"] = endpoint_text(held->host, held->port);
    fields["origin"] = endpoint_text(held->origin_host, held->origin_port);
    return user.async_forward_out(held->host, held->port, held->origin_host, held->origin_port,
                                  relay_to_user(std::move(fields)));
  }
  if (type == "auth-agent@openssh.com") {
    return user.async_open_agent(relay_to_user(std::move(fields)));
  }
  if (type == "x11") {
    fields["origin"] = endpoint_text(held->origin_host, held->origin_port);
    return user.async_open_x11(held->origin_host, held->origin_port,
                               relay_to_user(std::move(fields)));
  }
  const auto why = "the bastion does not relay " + type + " channels from targets";
  fields["reason"] = why;
  conn->log("channel_denied", std::move(fields));
  held->reject(sshlib::channel_open_failure::administratively_prohibited, why);
}

}  // namespace bastion
