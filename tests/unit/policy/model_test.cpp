// The small parts of model.hpp (included first, to show it is self-contained), and that
// reasons never carry control characters from untrusted input.
#include <bastion/policy/model.hpp>

#include <bastion/policy/authentication.hpp>
#include <bastion/policy/authorization.hpp>

#include "policy_fixtures.hpp"

#include <algorithm>

namespace bastion::policy {
namespace {

TEST(PortSet, ListOrAny) {
  const port_set some{false, {22, 443}};
  EXPECT_TRUE(some.contains(443));
  EXPECT_FALSE(some.contains(80));
  EXPECT_TRUE((port_set{true, {}}).contains(80));
}

bool one_clean_line(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

TEST(Reasons, UntrustedTextIsMadePrintable) {
  const auto key = test::new_key();
  const auto p = test::must_load(test::base_policy(key));
  ASSERT_TRUE(p);
  const std::string evil = "mallory\n{\"forged\": \"log line\"}\x1b[2J";
  EXPECT_TRUE(one_clean_line(check_password(*p, evil, "x").reason));
  EXPECT_TRUE(one_clean_line(check_public_key(*p, evil, key, 0).reason));
  EXPECT_TRUE(one_clean_line(check_totp(*p, evil, "123456", 0, 0).verdict.reason));
  EXPECT_TRUE(one_clean_line(
      authorize_target(*p, access_request{evil, "10.0.0.1", evil, evil, access_mode::terminating})
          .verdict.reason));
  EXPECT_TRUE(one_clean_line(authorize_hop(*p, "alice", "10.0.0.1", evil, 22).verdict.reason));
  const auto g = authorize_target(
      *p, access_request{"alice", "10.0.0.1", "web1", std::nullopt, access_mode::terminating});
  ASSERT_TRUE(g.granted);
  EXPECT_TRUE(one_clean_line(allow_local_forward(*g.granted, evil, 1).reason));
  EXPECT_TRUE(one_clean_line(allow_channel(*g.granted, channel_kind::subsystem, evil).reason));
  EXPECT_LT(check_password(*p, std::string(10000, 'a'), "x").reason.size(), 200u);
}

TEST(Reasons, CertificateKeyIdIsMadePrintable) {
  const auto ca = test::new_key();
  auto doc = test::base_policy(test::new_key());
  doc["user_certificate_authorities"] = {{{"public_key", test::public_line(ca)}}};
  const auto p = test::must_load(doc);
  ASSERT_TRUE(p);
  test::user_cert_fields f;
  f.key_id = "id\nforged line";
  const auto d =
      check_public_key(*p, "alice", test::make_user_cert(test::new_key(), ca, f), 1'700'000'000);
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_TRUE(one_clean_line(d.reason)) << d.reason;
}

}  // namespace
}  // namespace bastion::policy
