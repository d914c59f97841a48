// Two transport machines wired back to back in memory, for tests of the whole transport
// without sockets: pump() moves bytes both ways until neither has anything to say.
#pragma once

#include "transport/transport_machine.hpp"

#include <sshlib/key.hpp>

#include <gtest/gtest.h>

#include <functional>

namespace sshlib::test {

struct machine_pair {
  std::unique_ptr<transport::transport_machine> client, server;
  std::optional<sshlib::error> client_error, server_error;
  std::vector<transport::transport_event> client_events, server_events;
  /// Rewrites bytes in flight (client to server) before delivery, for fault injection.
  std::function<void(bytes&)> tamper_c2s;

  static transport::transport_settings client_settings() {
    transport::transport_settings s;
    s.side = transport::role::client;
    return s;
  }
  static transport::transport_settings server_settings() {
    static const key host = generate_key(key_type::ed25519).value();
    transport::transport_settings s;
    s.side = transport::role::server;
    s.host_keys = {host};
    return s;
  }

  machine_pair(transport::transport_settings c = client_settings(), transport::transport_settings s = server_settings()) {
    client = transport::transport_machine::create(std::move(c)).value();
    server = transport::transport_machine::create(std::move(s)).value();
    EXPECT_TRUE(client->start());
    EXPECT_TRUE(server->start());
  }

  static void deliver(transport::transport_machine& to, const bytes& data, std::optional<sshlib::error>& err) {
    if (data.empty() || err) return;
    auto space = to.prepare_input(data.size());
    std::copy(data.begin(), data.end(), space.begin());
    to.commit_input(data.size());
    if (auto r = to.process(); !r) err = r.error();
  }

  void drain_events(transport::transport_machine& m, std::vector<transport::transport_event>& log) {
    while (auto e = m.next_event()) {
      if (std::holds_alternative<transport::events::verify_host_key>(*e)) (void)m.host_key_verdict(true);
      log.push_back(std::move(*e));
    }
  }

  /// Exchanges bytes until both sides are quiet (bounded: a livelock fails the test).
  void pump() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      if (client->has_output()) {
        bytes out = client->take_output();
        if (tamper_c2s) tamper_c2s(out);
        deliver(*server, out, server_error);
        moved = true;
      }
      if (server->has_output()) {
        deliver(*client, server->take_output(), client_error);
        moved = true;
      }
      drain_events(*client, client_events);
      drain_events(*server, server_events);
      if (!moved && !client->has_output() && !server->has_output()) return;
    }
    ADD_FAILURE() << "machines did not settle";
  }

  bool both_ready() const {
    return client->handshake_complete() && server->handshake_complete() && !client->kex_in_progress() &&
           !server->kex_in_progress();
  }
};

}  // namespace sshlib::test
