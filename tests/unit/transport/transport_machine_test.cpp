#include "machine_pair.hpp"

#include "transport/message_numbers.hpp"
#include "wire/writer.hpp"

#include <gtest/gtest.h>

namespace sshlib::test {
namespace {

using namespace sshlib::transport;

bytes payload(std::uint8_t number, std::size_t size, std::uint8_t fill) {
  bytes p(size, fill);
  p[0] = number;
  return p;
}

TEST(TransportMachine, HandshakeAgreesOnDefaultsWithStrictKex) {
  machine_pair p;
  p.pump();
  ASSERT_FALSE(p.client_error) << p.client_error->message();
  ASSERT_FALSE(p.server_error) << p.server_error->message();
  ASSERT_TRUE(p.both_ready());
  EXPECT_EQ(p.client->negotiated()->kex, "curve25519-sha256");
  EXPECT_EQ(p.client->negotiated()->c2s.cipher, "chacha20-poly1305@openssh.com");
  EXPECT_TRUE(p.client->negotiated()->strict_kex);
  EXPECT_EQ(*p.client->session_id(), *p.server->session_id());
  // The server announced server-sig-algs in EXT_INFO.
  EXPECT_TRUE(p.client->peer_extensions().contains("server-sig-algs"));
}

TEST(TransportMachine, EveryKexMethodCompletes) {
  for (const auto& kex : supported_algorithms(algorithm_category::kex)) {
    auto c = machine_pair::client_settings();
    auto s = machine_pair::server_settings();
    ASSERT_TRUE(c.algorithms.set(algorithm_category::kex, {kex}));
    ASSERT_TRUE(s.algorithms.set(algorithm_category::kex, {kex}));
    machine_pair p(c, s);
    p.pump();
    EXPECT_FALSE(p.client_error) << kex << ": " << p.client_error->message();
    EXPECT_FALSE(p.server_error) << kex << ": " << p.server_error->message();
    EXPECT_TRUE(p.both_ready()) << kex;
  }
}

// arcfour, arcfour128, arcfour256, blowfish-cbc and cast128-cbc through OpenSSL's legacy
// provider, each negotiated on its own with an etm and an encrypt-and-MAC HMAC, carrying
// packets both ways before and after a rekey. This machine pair is their only end-to-end
// test: OpenSSH 9.2's sshd and ssh (Debian 12) no longer implement any of them, so there
// is no interop test against a real peer.
TEST(TransportMachine, EveryLegacyCipherCarriesPacketsBothWaysAcrossARekey) {
  for (const char* cipher :
       {"arcfour", "arcfour128", "arcfour256", "blowfish-cbc", "cast128-cbc"}) {
    ASSERT_TRUE(is_supported_algorithm(algorithm_category::cipher, cipher))
        << cipher << " needs OpenSSL's legacy provider";
    for (const char* mac : {"hmac-sha2-256-etm@openssh.com", "hmac-sha2-256"}) {
      auto c = machine_pair::client_settings();
      auto s = machine_pair::server_settings();
      ASSERT_TRUE(c.algorithms.set(algorithm_category::cipher, {cipher}));
      ASSERT_TRUE(s.algorithms.set(algorithm_category::cipher, {"aes128-ctr", cipher}));
      ASSERT_TRUE(c.algorithms.set(algorithm_category::mac, {mac}));
      machine_pair p(c, s);
      p.pump();
      ASSERT_TRUE(p.both_ready()) << cipher << "+" << mac;
      const auto& n = *p.client->negotiated();
      EXPECT_EQ(n.c2s.cipher, cipher);
      EXPECT_EQ(n.s2c.cipher, cipher);
      EXPECT_EQ(n.c2s.mac, mac);
      EXPECT_EQ(p.server->negotiated()->s2c.cipher, cipher);

      std::vector<bytes> to_server, to_client;
      for (int i = 0; i < 40; ++i) {
        to_server.push_back(payload(94, 50 + 37 * i, static_cast<std::uint8_t>(i)));
        to_client.push_back(payload(94, 3000 - 61 * i, static_cast<std::uint8_t>(i + 1)));
        ASSERT_TRUE(p.client->send(to_server.back()));
        ASSERT_TRUE(p.server->send(to_client.back()));
        if (i == 20) {
          ASSERT_TRUE(p.client->request_rekey());
        }
        if (i % 3 == 0) p.pump();
      }
      p.pump();
      ASSERT_FALSE(p.client_error) << cipher << "+" << mac << ": " << p.client_error->message();
      ASSERT_FALSE(p.server_error) << cipher << "+" << mac << ": " << p.server_error->message();
      EXPECT_EQ(p.client->rekey_count(), 1u) << cipher << "+" << mac;
      EXPECT_EQ(p.client->negotiated()->c2s.cipher, cipher) << "after the rekey";
      std::vector<bytes> at_server, at_client;
      while (auto in = p.server->next_packet()) at_server.push_back(std::move(in->payload));
      while (auto in = p.client->next_packet()) at_client.push_back(std::move(in->payload));
      EXPECT_EQ(at_server, to_server) << cipher << "+" << mac;
      EXPECT_EQ(at_client, to_client) << cipher << "+" << mac;
    }
  }
}

TEST(TransportMachine, PacketsFlowBothWaysAndSurviveRekeysInOrder) {
  machine_pair p;
  p.pump();
  ASSERT_TRUE(p.both_ready());
  std::vector<bytes> sent;
  for (int i = 0; i < 300; ++i) {
    sent.push_back(payload(94, 1000 + i, static_cast<std::uint8_t>(i)));
    ASSERT_TRUE(p.client->send(sent.back()));
    if (i == 100) {
      ASSERT_TRUE(p.client->request_rekey());
    }
    if (i == 200) {
      ASSERT_TRUE(p.server->request_rekey());
    }
    if (i % 7 == 0) p.pump();
  }
  p.pump();
  ASSERT_FALSE(p.server_error) << p.server_error->message();
  std::vector<bytes> received;
  while (auto in = p.server->next_packet()) received.push_back(std::move(in->payload));
  EXPECT_EQ(received, sent);
  EXPECT_EQ(p.client->rekey_count(), 2u);
  EXPECT_EQ(p.server->rekey_count(), 2u);
}

// The answering side holds upper-layer packets from its KEXINIT to its NEWKEYS; packets it
// sends after its NEWKEYS but before the peer's must not overtake the held ones. (They once
// did: a channel's CLOSE overtook its last DATA and the peer dropped 32 KiB.)
TEST(TransportMachine, PacketsHeldDuringARekeyGoOutBeforeLaterOnes) {
  machine_pair p;
  p.pump();
  ASSERT_TRUE(p.both_ready());
  auto client_to_server = [&] { machine_pair::deliver(*p.server, p.client->take_output(), p.server_error); };
  auto server_to_client = [&] { machine_pair::deliver(*p.client, p.server->take_output(), p.client_error); };

  ASSERT_TRUE(p.client->request_rekey());
  client_to_server();  // the server answers with its KEXINIT and from now on holds packets
  const bytes held = payload(94, 300, 1);
  ASSERT_TRUE(p.server->send(held));
  server_to_client();  // the client's key exchange message
  p.drain_events(*p.client, p.client_events);
  client_to_server();  // the server's reply and its NEWKEYS; the client's NEWKEYS not yet sent
  p.drain_events(*p.server, p.server_events);
  ASSERT_TRUE(p.server->kex_in_progress());
  const bytes later = payload(97, 5, 2);
  ASSERT_TRUE(p.server->send(later));
  p.pump();
  ASSERT_FALSE(p.client_error) << p.client_error->message();
  std::vector<bytes> received;
  while (auto in = p.client->next_packet()) received.push_back(std::move(in->payload));
  EXPECT_EQ(received, (std::vector<bytes>{held, later}));
  EXPECT_EQ(p.client->rekey_count(), 1u);
}

TEST(TransportMachine, VolumeLimitStartsARekey) {
  auto c = machine_pair::client_settings();
  c.rekey_bytes = 64 * 1024;
  machine_pair p(c, machine_pair::server_settings());
  p.pump();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(p.client->send(payload(94, 4096, 1)));
    p.pump();
  }
  EXPECT_GE(p.client->rekey_count(), 5u);
  EXPECT_FALSE(p.server_error);
}

TEST(TransportMachine, StrictKexRejectsIgnoreBeforeNewkeys) {
  machine_pair p;
  // Inject SSH_MSG_IGNORE right after the client's KEXINIT, as a Terrapin attacker would.
  ASSERT_TRUE(p.client->send_ignore());
  p.pump();
  ASSERT_TRUE(p.server_error);
  EXPECT_EQ(p.server_error->code, make_error_code(errc::strict_kex_violation)) << p.server_error->message();
}

TEST(TransportMachine, WithoutStrictKexIgnoreDuringKexIsAllowed) {
  auto c = machine_pair::client_settings();
  c.strict_kex = false;
  machine_pair p(c, machine_pair::server_settings());
  ASSERT_TRUE(p.client->send_ignore());
  p.pump();
  EXPECT_FALSE(p.server_error);
  EXPECT_TRUE(p.both_ready());
  EXPECT_FALSE(p.server->negotiated()->strict_kex);
}

TEST(TransportMachine, UpperLayerMessageBeforeKeysIsAProtocolError) {
  auto c = machine_pair::client_settings();
  c.strict_kex = false;
  machine_pair p(c, machine_pair::server_settings());
  // Forge a plaintext SERVICE_REQUEST ahead of the exchange by sealing it with a fresh,
  // keyless sealer at the client's current sequence number.
  packet_sealer forged;
  bytes wire;
  ASSERT_TRUE(forged.seal(payload(msg::userauth_request, 10, 0), wire));
  p.tamper_c2s = [&, done = false](bytes& out) mutable {
    if (!done) {
      out.insert(out.end(), wire.begin(), wire.end());
      done = true;
    }
  };
  p.pump();
  ASSERT_TRUE(p.server_error);
  EXPECT_EQ(p.server_error->code, make_error_code(errc::protocol_error)) << p.server_error->message();
}

TEST(TransportMachine, CorruptedCiphertextIsAMacFailure) {
  machine_pair p;
  p.pump();
  ASSERT_TRUE(p.both_ready());
  p.tamper_c2s = [](bytes& out) {
    if (out.size() > 20) out[out.size() / 2] ^= 0x01;
  };
  ASSERT_TRUE(p.client->send(payload(94, 500, 7)));
  p.pump();
  ASSERT_TRUE(p.server_error);
  EXPECT_EQ(p.server_error->code, make_error_code(errc::authentication_failed)) << p.server_error->message();
  EXPECT_TRUE(p.server->closed());
}

TEST(TransportMachine, NoCommonCipherNamesBothLists) {
  auto c = machine_pair::client_settings();
  auto s = machine_pair::server_settings();
  ASSERT_TRUE(c.algorithms.set(algorithm_category::cipher, {"aes128-ctr"}));
  ASSERT_TRUE(s.algorithms.set(algorithm_category::cipher, {"aes256-gcm@openssh.com"}));
  machine_pair p(c, s);
  p.pump();
  ASSERT_TRUE(p.client_error);
  EXPECT_EQ(p.client_error->code, make_error_code(errc::no_common_algorithm));
  EXPECT_NE(p.client_error->detail.find("aes128-ctr"), std::string::npos) << p.client_error->detail;
  EXPECT_NE(p.client_error->detail.find("aes256-gcm@openssh.com"), std::string::npos) << p.client_error->detail;
}

TEST(TransportMachine, RejectedHostKeyDisconnects) {
  machine_pair p;
  // Answer the verification ourselves, negatively.
  for (int i = 0; i < 10 && !p.client->closed(); ++i) {
    if (p.client->has_output()) machine_pair::deliver(*p.server, p.client->take_output(), p.server_error);
    if (p.server->has_output()) machine_pair::deliver(*p.client, p.server->take_output(), p.client_error);
    while (auto e = p.client->next_event()) {
      if (std::holds_alternative<events::verify_host_key>(*e)) {
        auto r = p.client->host_key_verdict(false);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, make_error_code(errc::host_key_rejected));
      }
    }
  }
  EXPECT_TRUE(p.client->closed());
  EXPECT_FALSE(p.client->handshake_complete());
}

TEST(TransportMachine, CompressionZlibRoundTrips) {
  for (const char* method : {"zlib", "zlib@openssh.com"}) {
    auto c = machine_pair::client_settings();
    auto s = machine_pair::server_settings();
    ASSERT_TRUE(c.algorithms.set(algorithm_category::compression, {method}));
    ASSERT_TRUE(s.algorithms.set(algorithm_category::compression, {method}));
    machine_pair p(c, s);
    p.pump();
    ASSERT_TRUE(p.both_ready()) << method;
    // zlib@openssh.com starts after USERAUTH_SUCCESS (server sends it, client receives it).
    ASSERT_TRUE(p.server->send(bytes{msg::userauth_success}));
    p.pump();
    ASSERT_TRUE(p.client->next_packet());
    const bytes big = payload(94, 100000, 'a');
    ASSERT_TRUE(p.client->send(big));
    ASSERT_TRUE(p.server->send(big));
    p.pump();
    auto at_server = p.server->next_packet();
    auto at_client = p.client->next_packet();
    ASSERT_TRUE(at_server && at_client) << method;
    EXPECT_EQ(at_server->payload, big);
    EXPECT_EQ(at_client->payload, big);
  }
}

}  // namespace
}  // namespace sshlib::test

namespace sshlib::test {
namespace {

TEST(TransportMachine, LargePayloadArrivesWhole) {
  machine_pair p;
  p.pump();
  ASSERT_TRUE(p.both_ready());
  bytes big(32 * 1024, 0x61);
  big[0] = 94;
  ASSERT_TRUE(p.client->send(big));
  p.pump();
  ASSERT_FALSE(p.server_error) << p.server_error->message();
  auto in = p.server->next_packet();
  ASSERT_TRUE(in);
  EXPECT_EQ(in->payload, big);
}

}  // namespace
}  // namespace sshlib::test
