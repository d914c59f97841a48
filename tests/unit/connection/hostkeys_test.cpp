// hostkeys-00 / hostkeys-prove-00@openssh.com bodies: what the server signs and what the
// client accepts as proof.
#include "connection/hostkeys.hpp"

#include "wire/writer.hpp"

#include <gtest/gtest.h>

namespace sshlib::connection {
namespace {

const bytes session_id{1, 2, 3, 4, 5, 6, 7, 8};

std::vector<key> server_keys() {
  return {generate_key(key_type::ed25519).value(), generate_key(key_type::ecdsa_p256).value(),
          generate_key(key_type::rsa, 2048).value()};
}

std::vector<key> publics(const std::vector<key>& keys) {
  std::vector<key> out;
  for (const auto& k : keys) out.push_back(key::from_public_blob(k.public_blob()).value());
  return out;
}

TEST(Hostkeys, AnnouncementListsEachPlainKeyOnce) {
  auto keys = server_keys();
  keys.push_back(keys[0]);  // a duplicate
  auto parsed = parse_hostkeys_announcement(hostkeys_announcement(keys)).value();
  ASSERT_EQ(parsed.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(parsed[i].equals(keys[i]));
}

TEST(Hostkeys, UnknownKeyTypesInAnAnnouncementAreSkipped) {
  bytes body;
  wire::writer w(body);
  bytes odd;
  wire::writer(odd).write_string("sk-ssh-ed25519@openssh.com");
  w.write_string(odd);
  w.write_string(server_keys()[0].public_blob());
  EXPECT_EQ(parse_hostkeys_announcement(body).value().size(), 1u);
}

TEST(Hostkeys, ProofRoundTripsForEveryKeyType) {
  const auto keys = server_keys();
  for (std::string_view rsa : {"rsa-sha2-256", "rsa-sha2-512"}) {
    const auto request = hostkeys_prove_request(publics(keys));
    const bytes proof = prove_hostkeys(request, keys, session_id, rsa).value();
    EXPECT_TRUE(verify_hostkeys_proof(proof, publics(keys), session_id)) << rsa;
  }
}

TEST(Hostkeys, AProofIsBoundToTheSession) {
  const auto keys = server_keys();
  const bytes proof = prove_hostkeys(hostkeys_prove_request(publics(keys)), keys, session_id, "").value();
  const bytes other{9, 9, 9};
  auto r = verify_hostkeys_proof(proof, publics(keys), other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::signature_mismatch));
}

TEST(Hostkeys, TheServerRefusesToProveAKeyItDoesNotHold) {
  const auto keys = server_keys();
  const auto stranger = generate_key(key_type::ed25519).value();
  auto r = prove_hostkeys(hostkeys_prove_request({stranger}), keys, session_id, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::invalid_value));
}

TEST(Hostkeys, TheClientRefusesShaOneAndMissingSignatures) {
  const auto keys = server_keys();
  const key& rsa = keys[2];
  bytes signed_data;
  wire::writer w(signed_data);
  w.write_string(hostkeys_prove_name);
  w.write_string(session_id);
  w.write_string(rsa.public_blob());
  bytes proof;
  wire::writer(proof).write_string(rsa.sign(signed_data, "ssh-rsa").value());
  auto r = verify_hostkeys_proof(proof, publics({rsa}), session_id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(errc::invalid_signature));

  // Fewer signatures than keys.
  EXPECT_FALSE(verify_hostkeys_proof(proof, publics(keys), session_id));
}

TEST(Hostkeys, MalformedAndOversizedBodiesAreProtocolErrors) {
  const bytes truncated{0, 0, 0, 9, 'x'};
  EXPECT_EQ(parse_hostkeys_announcement(truncated).error().code, make_error_code(errc::protocol_error));
  bytes many;
  wire::writer w(many);
  for (int i = 0; i < 65; ++i) w.write_string(std::string_view("x"));
  EXPECT_EQ(parse_hostkeys_announcement(many).error().code, make_error_code(errc::protocol_error));
  EXPECT_EQ(prove_hostkeys(many, server_keys(), session_id, "").error().code, make_error_code(errc::protocol_error));
}

}  // namespace
}  // namespace sshlib::connection
