// TOTP: RFC 6238 Appendix B vectors, base32, the +-1 step window and replay refusal.
#include <bastion/policy/totp.hpp>

#include <bastion/policy/authentication.hpp>

#include "policy_fixtures.hpp"

namespace bastion::policy {
namespace {

struct vector_case {
  std::uint64_t time;
  std::uint32_t sha1, sha256, sha512;
};

// RFC 6238 Appendix B (8 digits, period 30).
constexpr vector_case rfc6238[] = {
    {59, 94287082, 46119246, 90693936},         {1111111109, 7081804, 68084774, 25091201},
    {1111111111, 14050471, 67062674, 99943326}, {1234567890, 89005924, 91819424, 93441116},
    {2000000000, 69279037, 90698825, 38618901}, {20000000000, 65353130, 77737706, 47863826},
};

TEST(Totp, Rfc6238AppendixBVectors) {
  const std::string k20 = "12345678901234567890";
  const std::string k32 = k20 + k20.substr(0, 12);
  const std::string k64 = k20 + k20 + k20 + k20.substr(0, 4);
  for (const auto& v : rfc6238) {
    const auto step = v.time / 30;
    EXPECT_EQ(hotp_value(sshlib::as_bytes(k20), step, 8, totp_algorithm::sha1), v.sha1) << v.time;
    EXPECT_EQ(hotp_value(sshlib::as_bytes(k32), step, 8, totp_algorithm::sha256), v.sha256)
        << v.time;
    EXPECT_EQ(hotp_value(sshlib::as_bytes(k64), step, 8, totp_algorithm::sha512), v.sha512)
        << v.time;
  }
}

TEST(Totp, Base32) {
  const auto d = base32_decode("JBSWY3DPEHPK3PXP");
  ASSERT_TRUE(d);
  EXPECT_EQ(std::string(d->begin(), d->end()), "Hello!\xde\xad\xbe\xef");
  // RFC 4648 section 10 vectors, padded and unpadded, any case.
  const auto foobar = base32_decode("MZXW6YTBOI======");
  ASSERT_TRUE(foobar);
  EXPECT_EQ(std::string(foobar->begin(), foobar->end()), "foobar");
  const auto fo = base32_decode("mzxq");
  ASSERT_TRUE(fo);
  EXPECT_EQ(std::string(fo->begin(), fo->end()), "fo");
  EXPECT_FALSE(base32_decode("MZXW6YT1"));
  EXPECT_FALSE(base32_decode("M"));
  EXPECT_FALSE(base32_decode("MZ=XQ"));
}

// gauss: "12345678901234567890" in base32, SHA-1, 8 digits, like Appendix B.
std::shared_ptr<const policy_set> totp_policy(const char* algorithm, const char* secret) {
  return test::must_load(
      {{"users",
        {{"gauss",
          {{"password_hash",
            "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN."
            "Pq.H91p5hVO1"},
           {"totp", {{"secret_base32", secret}, {"digits", 8}, {"algorithm", algorithm}}},
           {"auth", nlohmann::json::parse(R"([["password", "keyboard-interactive"]])")}}}}}});
}

constexpr const char* secret20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

TEST(Totp, AcceptsTheCurrentStepAndReturnsIt) {
  const auto p = totp_policy("sha1", secret20);
  ASSERT_TRUE(p);
  const auto r = check_totp(*p, "gauss", "89005924", 1234567890, 0);
  EXPECT_TRUE(r.verdict.allowed) << r.verdict.reason;
  EXPECT_EQ(r.step, 1234567890u / 30);
}

TEST(Totp, OtherAlgorithmsThroughThePolicy) {
  const auto p = totp_policy("sha256", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA");
  ASSERT_TRUE(p);
  EXPECT_TRUE(check_totp(*p, "gauss", "91819424", 1234567890, 0).verdict.allowed);
}

TEST(Totp, WindowIsOneStepEachWay) {
  const auto p = totp_policy("sha1", secret20);
  ASSERT_TRUE(p);
  const std::uint64_t t = 1234567890;  // code 89005924 belongs to step t/30
  EXPECT_TRUE(check_totp(*p, "gauss", "89005924", t + 30, 0).verdict.allowed);  // one step late
  EXPECT_TRUE(check_totp(*p, "gauss", "89005924", t - 30, 0).verdict.allowed);  // one step early
  const auto late = check_totp(*p, "gauss", "89005924", t + 60, 0);
  EXPECT_FALSE(late.verdict.allowed);
  EXPECT_EQ(late.verdict.reason, "wrong TOTP code for gauss");
  EXPECT_FALSE(check_totp(*p, "gauss", "89005924", t - 60, 0).verdict.allowed);
}

TEST(Totp, RefusesReplayOfAUsedStep) {
  const auto p = totp_policy("sha1", secret20);
  ASSERT_TRUE(p);
  const auto first = check_totp(*p, "gauss", "89005924", 1234567890, 0);
  ASSERT_TRUE(first.verdict.allowed);
  const auto again = check_totp(*p, "gauss", "89005924", 1234567890, first.step);
  EXPECT_FALSE(again.verdict.allowed);
  EXPECT_NE(again.verdict.reason.find("already used"), std::string::npos);
  // A code of an older step than the last one used is refused too.
  EXPECT_FALSE(
      check_totp(*p, "gauss", "89005924", 1234567890 + 30, first.step + 1).verdict.allowed);
}

TEST(Totp, MalformedCodesAndUnknownUsers) {
  const auto p = totp_policy("sha1", secret20);
  ASSERT_TRUE(p);
  EXPECT_NE(
      check_totp(*p, "gauss", "8900592", 1234567890, 0).verdict.reason.find("must be 8 digits"),
      std::string::npos);
  EXPECT_FALSE(check_totp(*p, "gauss", "8900592a", 1234567890, 0).verdict.allowed);
  EXPECT_FALSE(check_totp(*p, "gauss", "", 1234567890, 0).verdict.allowed);
  EXPECT_EQ(check_totp(*p, "nobody", "89005924", 1234567890, 0).verdict.reason,
            "TOTP refused: unknown user \"nobody\"");
}

}  // namespace
}  // namespace bastion::policy
