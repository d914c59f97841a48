// key::from_openssh_private_fields, the entry point for container formats (PuTTY, ...):
// the fields in PROTOCOL.key order build the same key, and bad fields are refused.
#include <sshlib/key.hpp>

#include "keys/key_impl.hpp"
#include "keys/private_fields.hpp"
#include "wire/reader.hpp"

#include <gtest/gtest.h>

namespace sshlib {
namespace {

// The fields after the type name, as write_private_fields lays them out.
secure_bytes fields_of(const key& k, std::string& type) {
  secure_bytes out;
  wire::secure_writer w(out);
  keys::write_private_fields(w, k.impl());
  wire::reader r(out);
  std::string_view name;
  EXPECT_TRUE(r.read_string(name));
  type.assign(name);
  return secure_bytes(r.rest().begin(), r.rest().end());
}

TEST(PrivateFields, BuildTheSameKeyForEveryType) {
  for (const key_type t : {key_type::ed25519, key_type::ecdsa_p256, key_type::ecdsa_p384, key_type::ecdsa_p521,
                           key_type::rsa}) {
    auto k = generate_key(t, t == key_type::rsa ? 2048 : 0);
    ASSERT_TRUE(k);
    std::string type;
    const secure_bytes fields = fields_of(*k, type);
    EXPECT_EQ(type, k->type());
    auto back = key::from_openssh_private_fields(type, fields, "c");
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_TRUE(back->is_private());
    EXPECT_TRUE(back->equals(*k));
    EXPECT_EQ(back->comment(), "c");
    const bytes msg{'m'};
    auto sig = back->sign(msg);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(k->verify(msg, *sig));
  }
}

TEST(PrivateFields, RejectTrailingBytesTruncationAndTampering) {
  auto k = generate_key(key_type::rsa, 2048);
  ASSERT_TRUE(k);
  std::string type;
  secure_bytes fields = fields_of(*k, type);
  secure_bytes longer = fields;
  longer.push_back(0);
  EXPECT_EQ(key::from_openssh_private_fields(type, longer).code(), errc::trailing_data);
  const secure_bytes shorter(fields.begin(), fields.end() - 10);
  EXPECT_EQ(key::from_openssh_private_fields(type, shorter).code(), errc::truncated);
  // Flip a bit in the last byte of q: the factors no longer multiply to n.
  fields.back() ^= 0x02;
  EXPECT_EQ(key::from_openssh_private_fields(type, fields).code(), errc::key_mismatch);
  EXPECT_EQ(key::from_openssh_private_fields("ssh-foo", fields).code(), errc::unsupported_key_type);
}

TEST(PrivateFields, EcdsaScalarMustMatchThePoint) {
  auto a = generate_key(key_type::ecdsa_p256);
  auto b = generate_key(key_type::ecdsa_p256);
  ASSERT_TRUE(a && b);
  std::string type;
  const secure_bytes fa = fields_of(*a, type);
  const secure_bytes fb = fields_of(*b, type);
  // a's curve and point (4 + 8 + 4 + 65 bytes) followed by b's scalar.
  const std::size_t public_part = 4 + 8 + 4 + 65;
  secure_bytes mixed(fa.begin(), fa.begin() + public_part);
  mixed.insert(mixed.end(), fb.begin() + public_part, fb.end());
  EXPECT_EQ(key::from_openssh_private_fields(type, mixed).code(), errc::key_mismatch);
}

}  // namespace
}  // namespace sshlib
