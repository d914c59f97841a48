// The agent codec: every message round-trips, and every malformed input (truncation at each
// offset, absurd lengths, too many identities, unknown types and constraints, trailing
// bytes) is refused with the right error rather than crashing or allocating.
#include "agent/agent_codec.hpp"

#include "support/hex.hpp"
#include "wire/writer.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace sshlib::agent_protocol {
namespace {

// The payload of a framed message, after checking that the prefix announces its length.
template <class Container>
bytes payload_of(const Container& framed) {
  auto length = decode_frame_header(byte_view(framed.data(), framed.size()));
  EXPECT_TRUE(length) << length.error().message();
  EXPECT_EQ(*length + frame_header_size, framed.size());
  return bytes(framed.begin() + frame_header_size, framed.end());
}

template <class T>
T decoded_request(byte_view payload) {
  auto req = decode_request(payload);
  EXPECT_TRUE(req) << req.error().message();
  EXPECT_TRUE(std::holds_alternative<T>(*req));
  return std::get<T>(std::move(*req));
}

const key& test_key(key_type type) {
  static const std::vector<key> keys = [] {
    std::vector<key> out;
    for (const key_type t : {key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p384, key_type::ecdsa_p521,
                             key_type::rsa}) {
      out.push_back(*generate_key(t, t == key_type::rsa ? 2048 : 0));
    }
    return out;
  }();
  return keys.at(static_cast<std::size_t>(type));
}

const std::vector<key_type> all_types{key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p384,
                                      key_type::ecdsa_p521, key_type::rsa};

// A payload built by hand: the type byte, then whatever `body` writes.
bytes raw_message(std::uint8_t type, const std::function<void(wire::writer&)>& body = {}) {
  bytes out{type};
  wire::writer w(out);
  if (body) body(w);
  return out;
}

TEST(AgentFrame, HeaderAcceptsLengthsUpToTheCap) {
  EXPECT_EQ(*decode_frame_header(test::from_hex("00000001")), 1u);
  EXPECT_EQ(*decode_frame_header(test::from_hex("00040000")), limits::max_message_length);
  EXPECT_EQ(decode_frame_header(test::from_hex("00040001")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_frame_header(test::from_hex("ffffffff")).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_frame_header(test::from_hex("00000000")).code(), errc::agent_protocol_error);
  EXPECT_EQ(decode_frame_header(test::from_hex("000001")).code(), errc::truncated);
}

TEST(AgentCodec, SimpleRequestsHaveTheDraftsBytes) {
  EXPECT_EQ(encode_identities_request(), test::from_hex("00000001 0b"));
  EXPECT_EQ(encode_remove_all_request(), test::from_hex("00000001 13"));
  EXPECT_EQ(encode_success(), test::from_hex("00000001 06"));
  EXPECT_EQ(encode_failure(), test::from_hex("00000001 05"));
  const auto lock = encode_lock("pw");
  ASSERT_TRUE(lock);
  EXPECT_EQ(bytes(lock->begin(), lock->end()), test::from_hex("00000007 16 00000002 7077"));
}

TEST(AgentCodec, SignRequestRoundTrips) {
  const bytes blob = test_key(key_type::rsa).public_blob();
  const bytes data{1, 2, 3};
  auto framed = encode_sign_request(blob, data, sign_flags::rsa_sha2_512);
  ASSERT_TRUE(framed);
  const auto req = decoded_request<sign_request>(payload_of(*framed));
  EXPECT_EQ(req.key_blob, blob);
  EXPECT_EQ(req.data, data);
  EXPECT_EQ(req.flags, sign_flags::rsa_sha2_512);
}

TEST(AgentCodec, EmptyAndPassphraseRequestsRoundTrip) {
  decoded_request<identities_request>(payload_of(encode_identities_request()));
  decoded_request<remove_all_request>(payload_of(encode_remove_all_request()));
  EXPECT_EQ(decoded_request<lock_request>(payload_of(*encode_lock("secret"))).passphrase.view(), "secret");
  EXPECT_EQ(decoded_request<unlock_request>(payload_of(*encode_unlock("secret"))).passphrase.view(), "secret");
  const bytes blob = test_key(key_type::ed25519).public_blob();
  EXPECT_EQ(decoded_request<remove_identity_request>(payload_of(*encode_remove_identity(blob))).key_blob, blob);
}

TEST(AgentCodec, AddIdentityRoundTripsEveryKeyType) {
  for (const key_type t : all_types) {
    const key& k = test_key(t);
    SCOPED_TRACE(k.type());
    auto framed = encode_add_identity(k, "comment " + k.type());
    ASSERT_TRUE(framed) << framed.error().message();
    EXPECT_EQ((*framed)[frame_header_size], static_cast<std::uint8_t>(message_type::add_identity));
    const auto req = decoded_request<add_identity_request>(payload_of(*framed));
    EXPECT_TRUE(req.private_key.is_private());
    EXPECT_TRUE(req.private_key.equals(k));
    EXPECT_EQ(req.private_key.comment(), "comment " + k.type());
    EXPECT_TRUE(req.constraints.empty());
    const bytes msg{'x'};
    auto sig = req.private_key.sign(msg);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(k.verify(msg, *sig));
  }
}

TEST(AgentCodec, ConstrainedAddIdentityRoundTrips) {
  const key& k = test_key(key_type::ecdsa_p256);
  for (const key_constraints& c : {key_constraints{60, false}, key_constraints{std::nullopt, true},
                                   key_constraints{3600, true}}) {
    auto framed = encode_add_identity(k, "c", c);
    ASSERT_TRUE(framed);
    EXPECT_EQ((*framed)[frame_header_size], static_cast<std::uint8_t>(message_type::add_id_constrained));
    EXPECT_EQ(decoded_request<add_identity_request>(payload_of(*framed)).constraints, c);
  }
}

TEST(AgentCodec, AddIdentityNeedsAPrivateKey) {
  EXPECT_EQ(encode_add_identity(test_key(key_type::ed25519).public_only(), "").code(), errc::not_a_private_key);
}

TEST(AgentCodec, ExtensionAndSessionBindRoundTrip) {
  const session_bind bind{test_key(key_type::ed25519).public_blob(), bytes(32, 0xab), bytes{0, 0, 0, 1, 'x'},
                          true};
  auto framed = encode_extension(session_bind_extension, encode_session_bind(bind));
  ASSERT_TRUE(framed);
  const auto ext = decoded_request<extension_request>(payload_of(*framed));
  EXPECT_EQ(ext.name, session_bind_extension);
  auto back = decode_session_bind(ext.contents);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->host_key, bind.host_key);
  EXPECT_EQ(back->session_id, bind.session_id);
  EXPECT_EQ(back->signature, bind.signature);
  EXPECT_TRUE(back->is_forwarding);
}

TEST(AgentCodec, IdentitiesAnswerRoundTripsWithComments) {
  std::vector<key> keys;
  for (const key_type t : all_types) {
    keys.push_back(test_key(t).public_only().with_comment("id " + std::to_string(keys.size())));
  }
  auto framed = encode_identities_answer(keys);
  ASSERT_TRUE(framed);
  auto back = decode_identities_answer(payload_of(*framed));
  ASSERT_TRUE(back) << back.error().message();
  ASSERT_EQ(back->size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_TRUE((*back)[i].equals(keys[i]));
    EXPECT_EQ((*back)[i].comment(), keys[i].comment());
    EXPECT_FALSE((*back)[i].is_private());
  }
  EXPECT_TRUE(decode_identities_answer(payload_of(*encode_identities_answer({})))->empty());
}

TEST(AgentCodec, SignResponseAndStatusRoundTrip) {
  const bytes sig = *test_key(key_type::ed25519).sign(bytes{1});
  EXPECT_EQ(*decode_sign_response(payload_of(*encode_sign_response(sig))), sig);
  EXPECT_TRUE(decode_status(payload_of(encode_success())));
}

TEST(AgentCodec, FailureRepliesAreAgentFailure) {
  for (const std::uint8_t failure : {5, 28, 102}) {
    const bytes reply{failure};
    EXPECT_EQ(decode_status(reply).code(), errc::agent_failure);
    EXPECT_EQ(decode_identities_answer(reply).code(), errc::agent_failure);
    EXPECT_EQ(decode_sign_response(reply).code(), errc::agent_failure);
  }
}

TEST(AgentCodec, UnexpectedRepliesAreProtocolErrors) {
  EXPECT_EQ(decode_status(payload_of(*encode_sign_response(bytes{1}))).code(), errc::agent_protocol_error);
  EXPECT_EQ(decode_sign_response(payload_of(encode_success())).code(), errc::agent_protocol_error);
  EXPECT_EQ(decode_identities_answer(payload_of(encode_success())).code(), errc::agent_protocol_error);
  EXPECT_EQ(decode_status(bytes{}).code(), errc::truncated);
}

TEST(AgentCodec, UnknownRequestTypesAreRefused) {
  for (const std::uint8_t type : {0, 1, 5, 12, 20, 21, 26, 200, 255}) {
    EXPECT_EQ(decode_request(bytes{type}).code(), errc::agent_refused) << int(type);
  }
  EXPECT_EQ(decode_request(bytes{}).code(), errc::truncated);
}

TEST(AgentCodec, UnknownOrRepeatedConstraintsAreRefused) {
  auto base = encode_add_identity(test_key(key_type::ed25519), "c", key_constraints{std::nullopt, true});
  ASSERT_TRUE(base);
  const bytes payload = payload_of(*base);
  auto with = [&](const bytes& extra) {
    bytes p = payload;
    p.insert(p.end(), extra.begin(), extra.end());
    return decode_request(p).code();
  };
  EXPECT_EQ(with(test::from_hex("03 00000010")), errc::agent_refused);  // maxsign: XMSS only
  EXPECT_EQ(with(test::from_hex("ff 00000003 666f6f")), errc::agent_refused);
  EXPECT_EQ(with(test::from_hex("07")), errc::agent_refused);
  EXPECT_EQ(with(test::from_hex("02")), errc::invalid_value);  // confirm twice
  EXPECT_EQ(with(test::from_hex("01 0000003c 01 0000003c")), errc::invalid_value);
  EXPECT_EQ(with(test::from_hex("01 0000")), errc::truncated);
  EXPECT_EQ(with(test::from_hex("ff 7fffffff")), errc::length_exceeds_limit);
}

TEST(AgentCodec, TrailingBytesAreRefused) {
  auto trailing = [](bytes payload) {
    payload.push_back(0);
    return decode_request(payload).code();
  };
  EXPECT_EQ(trailing(payload_of(encode_identities_request())), errc::trailing_data);
  EXPECT_EQ(trailing(payload_of(encode_remove_all_request())), errc::trailing_data);
  EXPECT_EQ(trailing(payload_of(*encode_sign_request(bytes{1}, bytes{2}, sign_flags::none))), errc::trailing_data);
  EXPECT_EQ(trailing(payload_of(*encode_remove_identity(bytes{1}))), errc::trailing_data);
  EXPECT_EQ(trailing(payload_of(*encode_lock("x"))), errc::trailing_data);
  // Without constraints nothing may follow the comment; a constrained add reads the zero
  // byte as an unknown constraint.
  EXPECT_EQ(trailing(payload_of(*encode_add_identity(test_key(key_type::ed25519), "c"))), errc::trailing_data);
  bytes answer = payload_of(*encode_identities_answer({test_key(key_type::ed25519)}));
  answer.push_back(0);
  EXPECT_EQ(decode_identities_answer(answer).code(), errc::trailing_data);
}

TEST(AgentCodec, AbsurdLengthsAreRefusedBeforeAllocating) {
  // A declared string length of 4 GiB in every length-carrying message.
  const auto huge = [](wire::writer& w) { w.write_u32(0xffffffff); };
  EXPECT_EQ(decode_request(raw_message(13, huge)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(raw_message(18, huge)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(raw_message(17, huge)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(raw_message(22, huge)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(raw_message(27, huge)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_sign_response(raw_message(14, huge)).code(), errc::length_exceeds_limit);
  // Within the message cap but above a field's own cap.
  const auto string_of = [](std::size_t n) { return [n](wire::writer& w) { w.write_string(bytes(n)); }; };
  EXPECT_EQ(decode_request(raw_message(22, string_of(limits::max_passphrase + 1))).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_request(raw_message(18, string_of(limits::max_key_blob + 1))).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_session_bind([] {
              bytes b;
              wire::writer w(b);
              w.write_string(bytes{1});
              w.write_string(bytes(limits::max_session_id + 1));
              return b;
            }())
                .code(),
            errc::length_exceeds_limit);
}

TEST(AgentCodec, TooManyIdentitiesAreRefused) {
  const auto count = [](std::uint32_t n) {
    return raw_message(12, [n](wire::writer& w) { w.write_u32(n); });
  };
  EXPECT_EQ(decode_identities_answer(count(0xffffffff)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_identities_answer(count(limits::max_identities + 1)).code(), errc::length_exceeds_limit);
  EXPECT_EQ(decode_identities_answer(count(limits::max_identities)).code(), errc::truncated);
  const std::vector<key> many(limits::max_identities + 1, test_key(key_type::ed25519));
  EXPECT_EQ(encode_identities_answer(many).code(), errc::length_exceeds_limit);
}

TEST(AgentCodec, MessagesLargerThanAnAgentAcceptsAreNotEncoded) {
  const bytes blob = test_key(key_type::ed25519).public_blob();
  EXPECT_EQ(encode_sign_request(blob, bytes(limits::max_message_length), sign_flags::none).code(),
            errc::length_exceeds_limit);
  EXPECT_TRUE(encode_sign_request(blob, bytes(limits::max_message_length - 200), sign_flags::none));
  EXPECT_EQ(encode_extension("x", bytes(limits::max_message_length)).code(), errc::length_exceeds_limit);
}

TEST(AgentCodec, IdentitiesAnswerSkipsUnsupportedKeyTypes) {
  const bytes ed = test_key(key_type::ed25519).public_blob();
  const bytes answer = raw_message(12, [&](wire::writer& w) {
    w.write_u32(2);
    bytes sk;  // a FIDO key blob: type name, curve, point, application
    wire::writer sw(sk);
    sw.write_string(std::string_view("sk-ssh-ed25519@openssh.com"));
    sw.write_string(bytes(32, 7));
    sw.write_string(std::string_view("ssh:"));
    w.write_string(sk);
    w.write_string(std::string_view("fido"));
    w.write_string(ed);
    w.write_string(std::string_view("plain"));
  });
  auto keys = decode_identities_answer(answer);
  ASSERT_TRUE(keys) << keys.error().message();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->front().comment(), "plain");
  // A malformed key of a type we do support fails the answer.
  const bytes bad = raw_message(12, [&](wire::writer& w) {
    w.write_u32(1);
    w.write_string(bytes(ed.begin(), ed.end() - 1));
    w.write_string(std::string_view(""));
  });
  EXPECT_FALSE(decode_identities_answer(bad));
}

// Every proper prefix of a message whose structure fixes its length must fail, and fail
// as truncated (the length is read before the bytes it announces).
TEST(AgentCodec, EveryTruncationOfAFixedMessageIsTruncated) {
  std::vector<std::pair<std::string, bytes>> requests{
      {"sign", payload_of(*encode_sign_request(test_key(key_type::rsa).public_blob(), bytes(40, 1),
                                              sign_flags::rsa_sha2_256))},
      {"remove", payload_of(*encode_remove_identity(test_key(key_type::ecdsa_p384).public_blob()))},
      {"lock", payload_of(*encode_lock("passphrase"))},
      {"unlock", payload_of(*encode_unlock("passphrase"))},
  };
  for (const key_type t : all_types) {
    requests.emplace_back("add " + test_key(t).type(), payload_of(*encode_add_identity(test_key(t), "comment")));
  }
  for (const auto& [name, payload] : requests) {
    SCOPED_TRACE(name);
    for (std::size_t n = 0; n < payload.size(); ++n) {
      const auto code = decode_request(byte_view(payload).first(n)).code();
      ASSERT_EQ(code, errc::truncated) << "prefix of " << n << " bytes";
    }
  }
  std::vector<key> keys;
  for (const key_type t : all_types) keys.push_back(test_key(t).with_comment("c"));
  const bytes answer = payload_of(*encode_identities_answer(keys));
  for (std::size_t n = 0; n < answer.size(); ++n) {
    ASSERT_EQ(decode_identities_answer(byte_view(answer).first(n)).code(), errc::truncated) << n;
  }
  const bytes sign = payload_of(*encode_sign_response(*test_key(key_type::ecdsa_p521).sign(bytes{1})));
  for (std::size_t n = 0; n < sign.size(); ++n) {
    ASSERT_EQ(decode_sign_response(byte_view(sign).first(n)).code(), errc::truncated) << n;
  }
  const bytes bind = encode_session_bind({bytes(51, 1), bytes(32, 2), bytes(83, 3), false});
  for (std::size_t n = 0; n < bind.size(); ++n) {
    ASSERT_EQ(decode_session_bind(byte_view(bind).first(n)).code(), errc::truncated) << n;
  }
}

// A constrained add or an extension may legitimately end early (fewer constraints, shorter
// contents); a sweep over their prefixes must still never crash, and prefixes that end
// inside the key or a constraint fail.
TEST(AgentCodec, TruncatedOpenEndedMessagesFailCleanly) {
  const bytes add = payload_of(*encode_add_identity(test_key(key_type::ecdsa_p256), "c", {60, true}));
  const std::size_t constraints_start = add.size() - 6;
  for (std::size_t n = 0; n < add.size(); ++n) {
    const bool ok = static_cast<bool>(decode_request(byte_view(add).first(n)));
    EXPECT_EQ(ok, n == constraints_start || n == constraints_start + 5) << n;  // none, or lifetime only
  }
  const bytes ext = payload_of(*encode_extension("query", bytes{1, 2, 3}));
  for (std::size_t n = 0; n < ext.size(); ++n) {
    const bool ok = static_cast<bool>(decode_request(byte_view(ext).first(n)));
    EXPECT_EQ(ok, n >= 1 + 4 + 5) << n;
  }
}

}  // namespace
}  // namespace sshlib::agent_protocol
